// Scalar arithmetic shared by all kernels: the multiply-add and activations.
//
// Every kernel multiplies and adds through madd() so that one output element
// is computed by the same sequence of roundings whichever code path (border,
// interior, tile size) produced it. Generated code is compiled with
// -ffp-contract=off so the compiler cannot fuse some products and not others;
// -ffast-math (reassociation) would break the same guarantee.
#pragma once

#include <math.h>

#include "tessel/feature_map.h"

namespace tessel {

// acc + a * b, fused (one rounding) where the target has a fused multiply-add
// instruction, two roundings otherwise. The choice is made per target, never
// per call site.
inline float madd(float acc, float a, float b) {
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
  return __builtin_fmaf(a, b, acc);
#else
  return acc + a * b;
#endif
}

// The epilogue a kernel applies once to each accumulated value. `alpha` is the
// negative slope of Act::Leaky, the slope of Act::HardSigmoid, and ignored
// otherwise. NaN propagates through
// every activation.
template <Act A> inline float activate(float x, float alpha) {
  if constexpr (A == Act::Linear) {
    (void)alpha;
    return x;
  } else if constexpr (A == Act::Relu) {
    (void)alpha;
    return x < 0.0f ? 0.0f : x;
  } else if constexpr (A == Act::Relu6) {
    (void)alpha;
    return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
  } else if constexpr (A == Act::Leaky) {
    // x < 0 ? alpha * x : x, written as the sum of the positive part (which
    // keeps NaN) and the scaled negative part, one of them zero. Unlike the
    // conditional multiply, this compiles to selects, not branches.
    const float positive = x < 0.0f ? 0.0f : x;
    const float negative = x < 0.0f ? x : 0.0f;
    return positive + alpha * negative;
  } else if constexpr (A == Act::HardSigmoid) {
    // max(0, min(1, alpha x + 0.5)); NaN compares false and propagates.
    const float y = alpha * x + 0.5f;
    return y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
  } else if constexpr (A == Act::HardSwish) {
    (void)alpha;
    const float gate = x * (1.0f / 6.0f) + 0.5f;
    return x * (gate < 0.0f ? 0.0f : (gate > 1.0f ? 1.0f : gate));
  } else {
    static_assert(A == Act::Sigmoid, "unhandled activation");
    (void)alpha;
    return 1.0f / (1.0f + expf(-x));
  }
}

// dst[i] = activate<A>(src[i]) for i in [0, count); dst may equal src.
// Works in fixed-size chunks through a local array: compilers vectorize such
// loops even at -O2, turning the activations into branch-free selects (a
// per-element branch on the sign of random data mispredicts half the time).
template <Act A> inline void activateInto(const float *src, float *dst, long count, float alpha) {
  constexpr long kChunk = 16;
  const long fullChunks = count / kChunk;
  for (long chunk = 0; chunk < fullChunks; ++chunk) {
    const long i = chunk * kChunk;
    float v[kChunk];
    for (long j = 0; j < kChunk; ++j)
      v[j] = activate<A>(src[i + j], alpha);
    for (long j = 0; j < kChunk; ++j)
      dst[i + j] = v[j];
  }
  for (long i = fullChunks * kChunk; i < count; ++i)
    dst[i] = activate<A>(src[i], alpha);
}

// Applies activate<A> in place to data[0, count); nothing for Act::Linear.
template <Act A> inline void activateSpan(float *data, long count, float alpha) {
  if constexpr (A != Act::Linear)
    activateInto<A>(data, data, count, alpha);
  else {
    (void)data;
    (void)count;
    (void)alpha;
  }
}

} // namespace tessel
