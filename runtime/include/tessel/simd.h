// A float vector of the target's natural width, for the micro-kernels.
//
// Written with the GCC/Clang vector extension so one kernel source serves
// AVX (8 lanes), SSE and NEON (4 lanes) and scalar FPUs (1 lane, plain float).
// Lane i of every operation performs exactly the scalar operation of
// arith.h on lane i, in particular vmadd() fuses exactly when madd() does,
// so a value computed in a vector lane equals the value a scalar path
// (border pixel, channel remainder) computes for the same element.
#pragma once

#include "tessel/arith.h"

#if defined(__FMA__) && defined(__AVX__)
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__ARM_FEATURE_FMA)
#include <arm_neon.h>
#endif

namespace tessel {

#if defined(__AVX__)
#define TESSEL_VECTOR_BYTES 32
#elif defined(__SSE2__) || defined(__ARM_NEON)
#define TESSEL_VECTOR_BYTES 16
#else
#define TESSEL_VECTOR_BYTES 4
#endif

#if TESSEL_VECTOR_BYTES > 4
typedef float Vec __attribute__((vector_size(TESSEL_VECTOR_BYTES)));
#else
using Vec = float;
#endif

constexpr int kLanes = TESSEL_VECTOR_BYTES / 4;

// Unaligned load and store: activations and weights are float aligned only.
inline Vec vload(const float *p) {
  Vec v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

inline void vstore(float *p, Vec v) {
  __builtin_memcpy(p, &v, sizeof v);
}

// Every lane = x (exactly, -0.0 included). Written as a uniform initializer,
// which compilers turn into one broadcast (a lane-by-lane loop is not).
inline Vec vbroadcast(float x) {
#if TESSEL_VECTOR_BYTES == 32
  return Vec{x, x, x, x, x, x, x, x};
#elif TESSEL_VECTOR_BYTES == 16
  return Vec{x, x, x, x};
#else
  return x;
#endif
}

// acc + a * b per lane, rounded as madd() rounds.
inline Vec vmadd(Vec acc, Vec a, Vec b) {
#if TESSEL_VECTOR_BYTES == 4
  return madd(acc, a, b);
#elif defined(__FMA__) && defined(__AVX__) && TESSEL_VECTOR_BYTES == 32
  return _mm256_fmadd_ps(a, b, acc);
#elif defined(__ARM_NEON) && defined(__ARM_FEATURE_FMA) && TESSEL_VECTOR_BYTES == 16
  return vfmaq_f32(acc, a, b);
#elif !defined(__FMA__) && !defined(__ARM_FEATURE_FMA)
  return acc + a * b; // madd() does not fuse either
#else
  for (int i = 0; i < kLanes; ++i) // a fused target without a known intrinsic
    acc[i] = madd(acc[i], a[i], b[i]);
  return acc;
#endif
}

// The operations above on `Width` floats: Vec when Width == kLanes, plain
// float when Width == 1, so one kernel source serves vector blocks and scalar
// remainders (whose values then match lane for lane).
template <int Width> struct Lanes {
  static_assert(Width == kLanes, "a lane group is one vector");
  using Type = Vec;
  static Type load(const float *p) { return vload(p); }
  static void store(float *p, Type v) { vstore(p, v); }
  static Type broadcast(float x) { return vbroadcast(x); }
  static Type madd(Type acc, Type a, Type b) { return vmadd(acc, a, b); }
};

template <> struct Lanes<1> {
  using Type = float;
  static Type load(const float *p) { return *p; }
  static void store(float *p, Type v) { *p = v; }
  static Type broadcast(float x) { return x; }
  static Type madd(Type acc, Type a, Type b) { return tessel::madd(acc, a, b); }
};

} // namespace tessel
