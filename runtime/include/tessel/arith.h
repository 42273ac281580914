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
// negative slope of Act::Leaky and ignored otherwise. NaN propagates through
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
    return x < 0.0f ? alpha * x : x;
  } else {
    static_assert(A == Act::Sigmoid, "unhandled activation");
    (void)alpha;
    return 1.0f / (1.0f + expf(-x));
  }
}

// Applies activate<A> in place to data[0, count).
template <Act A> inline void activateSpan(float *data, long count, float alpha) {
  if constexpr (A != Act::Linear) {
    for (long i = 0; i < count; ++i)
      data[i] = activate<A>(data[i], alpha);
  } else {
    (void)data;
    (void)count;
    (void)alpha;
  }
}

} // namespace tessel
