// What an op is and the attributes each kind of layer carries, typed per op.
// ops/op_table.h describes every op: how its attributes are read, which
// shape it produces, what it reads to compute part of its output, how it is
// emitted.
#pragma once

#include "ir/kernel_window.h"

#include <variant>

namespace tessel {

enum class OpKind {
  Input,      // the network input; always layer 0
  Conv2d,     // incl. grouped and depthwise
  BatchNorm,  // per-channel affine from statistics; folded away by normalize
  Activation, // stand-alone activation; attached to its producer by normalize
  MaxPool,
  AvgPool,
  GlobalAvgPool,
  FullyConnected, // flattens its input in NCHW order
  Add,            // element-wise sum of two or more inputs of equal shape
  Concat,         // along channels, in input order
  Softmax,        // over all elements of its input (a vector after FC / GAP)
  Upsample,       // nearest neighbour, integer factors
  Reorg,          // Darknet's space-to-depth, with its layout quirk
  Multiply,       // element-wise product with a same-shape map or per-channel factors
  FlattenConcat,  // inputs flattened (NCHW) back to back into one vector
};
inline constexpr int kOpKindCount = 15;

const char *opName(OpKind op); // "conv2d", ...

enum class ActivationKind { Linear, Relu, Relu6, Leaky, Sigmoid, HardSigmoid, HardSwish };

struct Activation {
  ActivationKind kind = ActivationKind::Linear;
  float alpha = 0.1f; // slope for Leaky and HardSigmoid
};

// How a conv2d computes its output: the direct kernel, im2row + GEMM for any
// convolution but depthwise ones (runtime tessel/im2row.h), or Winograd
// F(2x2, 3x3) / F(4x4, 3x3) for 3x3 stride-1 convolutions (runtime
// tessel/winograd.h). A schedule assigns it (NetworkSchedule::primitives);
// applyPrimitives copies the assignment into the layers.
enum class ConvPrimitive { Direct, Im2row, Winograd2, Winograd4 };

struct ConvAttrs {
  int outChannels = 0;
  KernelWindow window;
  int groups = 1;
  bool depthwise = false; // `groups: depthwise`; shape inference sets groups = input channels
  bool bias = true;
  ConvPrimitive primitive = ConvPrimitive::Direct;
};

struct BatchNormAttrs {
  float epsilon = 1e-5f;
  // libdarknet divides by sqrt(variance) + epsilon instead of
  // sqrt(variance + epsilon); the Darknet frontend sets this.
  bool epsilonAfterSqrt = false;
};

// A 2x2 window with stride 2, the pooling layers' defaults.
inline KernelWindow poolingDefaults() {
  KernelWindow window;
  window.kernelH = window.kernelW = 2;
  window.strideH = window.strideW = 2;
  return window;
}

struct PoolAttrs {
  KernelWindow window = poolingDefaults();
  // AvgPool only: divide by the full window (true) or by the number of
  // in-bounds elements (false, as Darknet, PyTorch count_include_pad=False).
  bool countIncludePad = false;
};

struct FullyConnectedAttrs {
  int outFeatures = 0;
  bool bias = true;
};

// Nearest-neighbour upsampling by integer factors: out[y][x] = in[y / scaleH][x / scaleW].
struct UpsampleAttrs {
  int scaleH = 2, scaleW = 2;
};

// Darknet's reorg (reorg_cpu with reverse=0): C x H x W becomes
// C*stride^2 x H/stride x W/stride, elements moved as libdarknet moves them.
struct ReorgAttrs {
  int stride = 2;
};

// The attributes of a layer, typed by op (ops/op_table.h says which op has which).
using OpAttributes = std::variant<std::monostate, ConvAttrs, BatchNormAttrs, PoolAttrs,
                                  FullyConnectedAttrs, UpsampleAttrs, ReorgAttrs>;

} // namespace tessel
