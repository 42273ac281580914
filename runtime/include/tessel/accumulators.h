// What keeps a micro-kernel's block of accumulators (Pixels x (Channels /
// Width) values of `Width` floats) in registers with GCC on ARM, and setting
// the block from the bias or from partial sums.
//
// On ARM every loop over the block is unrolled in the source
// (TESSEL_UNROLL_ACCUMULATORS before it), so that GCC's scalar replacement
// sees constant indices and keeps each accumulator in a register: a loop
// left rolled made the whole array live in memory on AArch64 and ARMv7,
// stored on every iteration of the hot loop. x86 keeps them rolled: unrolled,
// GCC's AVX2 depthwise kernel ran about 20% slower.
#pragma once

#include "tessel/arith.h"
#include "tessel/simd.h"

namespace tessel {

// Where GCC 12's tree PRE (partial redundancy elimination) runs on ARM, it
// leaves the register allocator with more values than registers in the hot
// loop, and the accumulators go to the stack on every iteration (bench/mca.py:
// 44% of the Cortex-A72's FMA bound instead of 97%). The functions holding a
// block turn it off for themselves there. It decides which expressions are
// computed once, never an arithmetic operation or its order.
#if defined(__GNUC__) && !defined(__clang__) && (defined(__aarch64__) || defined(__ARM_NEON))
#define TESSEL_MICRO_KERNEL __attribute__((optimize("no-tree-pre")))
#else
#define TESSEL_MICRO_KERNEL
#endif

#if defined(__aarch64__) || defined(__ARM_NEON)
#define TESSEL_UNROLL_ACCUMULATORS _Pragma("GCC unroll 16")
#else
#define TESSEL_UNROLL_ACCUMULATORS
#endif

namespace detail {

// acc[q][v] = bias[v * Width, (v + 1) * Width) for every pixel q, or +0
// without a bias. `bias` points at the block's first channel. The bias is
// always loaded, from a block of zeros when there is none: GCC turned the
// zero case into a memset of the array, which kept it in memory too. +0.0
// either way, as `acc = bias (or +0)` in conv2d.h says.
template <int Pixels, int Channels, int Width>
__attribute__((always_inline)) inline void
setAccumulators(typename Lanes<Width>::Type (&acc)[Pixels][Channels / Width], const float *bias) {
  using L = Lanes<Width>;
  static constexpr float kZeros[Channels] = {};
  const float *b = bias != nullptr ? bias : kZeros;
  TESSEL_UNROLL_ACCUMULATORS
  for (int v = 0; v < Channels / Width; ++v) {
    const typename L::Type value = L::load(b + v * Width);
    TESSEL_UNROLL_ACCUMULATORS
    for (int q = 0; q < Pixels; ++q)
      acc[q][v] = value;
  }
}

// acc[q][v] = the Channels floats at out + q * outStep (partial sums to
// continue).
template <int Pixels, int Channels, int Width>
__attribute__((always_inline)) inline void
loadAccumulators(typename Lanes<Width>::Type (&acc)[Pixels][Channels / Width], const float *out,
                 long outStep) {
  using L = Lanes<Width>;
  TESSEL_UNROLL_ACCUMULATORS
  for (int q = 0; q < Pixels; ++q) {
    TESSEL_UNROLL_ACCUMULATORS
    for (int v = 0; v < Channels / Width; ++v)
      acc[q][v] = L::load(out + q * outStep + v * Width);
  }
}

} // namespace detail
} // namespace tessel
