// The kinds of kernel the latency model tells apart: each op description
// says which class a layer's calls belong to, and a board profile gives each
// class its latency figures (target/latency_profile.h).
#pragma once

namespace tessel {

enum class KernelClass {
  Conv3x3,        // 3x3, stride 1, not depthwise
  Conv3x3Strided, // 3x3, stride 2 or more
  Conv1x1,        // pointwise
  Conv,           // any other convolution
  Depthwise,      // one input channel per group
  Pool,           // max and average pooling
  Elementwise,    // add, concat, stand-alone activation
  Dense,          // fully connected
  Reduce,         // global average pooling, softmax
  Copy,           // layout conversion at the interface, row-window shifts, upsampling
  Winograd2,      // 3x3 stride 1 by Winograd F(2x2, 3x3): work is the transformed GEMM's MACs
  Winograd4,      // the same by F(4x4, 3x3)
  Im2row,         // im2row + GEMM: work is the GEMM's MACs, padding taps included
};
inline constexpr int kKernelClassCount = 13;

} // namespace tessel
