// Float vectors for the micro-kernels, up to the target's natural width.
//
// Written with the GCC/Clang vector extension so one kernel source serves
// AVX-512 (16 lanes), AVX (8), SSE and NEON (4) and scalar FPUs (1 lane,
// plain float). Narrower groups than the natural width exist too (8 and 4
// lanes on AVX-512, 4 on AVX), so channel counts that are not a multiple of
// the full width still run in vectors. Lane i of every operation performs
// exactly the scalar operation of arith.h on lane i, in particular madd()
// fuses exactly when tessel::madd() does, so a value computed in a vector lane
// equals the value a scalar path (border pixel, channel remainder) or a
// narrower vector computes for the same element.
#pragma once

#include "tessel/arith.h"

#if defined(__FMA__) && (defined(__AVX__) || defined(__AVX512F__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__ARM_FEATURE_FMA)
#include <arm_neon.h>
#endif

namespace tessel {

#if defined(__AVX512F__)
#define TESSEL_VECTOR_BYTES 64
#elif defined(__AVX__)
#define TESSEL_VECTOR_BYTES 32
#elif defined(__SSE2__) || defined(__ARM_NEON)
#define TESSEL_VECTOR_BYTES 16
#else
#define TESSEL_VECTOR_BYTES 4
#endif

// Floats in the widest vector the target has (1: scalar FPU).
constexpr int kLanes = TESSEL_VECTOR_BYTES / 4;

// The widest lane group (kLanes, kLanes / 2, ..., 4, else 1) that divides
// `channels`: the width a kernel works in for a block of that many channels.
constexpr int lanesFor(int channels) {
  for (int width = kLanes; width >= 4; width /= 2)
    if (channels % width == 0)
      return width;
  return 1;
}

// The vector types (the vector_size attribute takes no template argument).
typedef float Vec4 __attribute__((vector_size(16)));
typedef float Vec8 __attribute__((vector_size(32)));
typedef float Vec16 __attribute__((vector_size(64)));
template <int Width> struct VectorOf;
template <> struct VectorOf<4> { using Type = Vec4; };
template <> struct VectorOf<8> { using Type = Vec8; };
template <> struct VectorOf<16> { using Type = Vec16; };

// Operations on `Width` floats at once: a vector of Width lanes, or plain
// float when Width == 1, so one kernel source serves vector blocks and scalar
// remainders (whose values then match lane for lane).
template <int Width> struct Lanes {
  static_assert(Width >= 4 && Width <= kLanes && (Width & (Width - 1)) == 0,
                "a lane group is a vector the target has");
  using Type = typename VectorOf<Width>::Type;

  // Unaligned: activations and weights are float aligned only.
  static Type load(const float *p) {
    Type v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(float *p, Type v) { __builtin_memcpy(p, &v, sizeof v); }

  // Every lane = x (exactly, -0.0 included). Written as a uniform
  // initializer, which compilers turn into one broadcast (a lane-by-lane loop
  // is not).
  static Type broadcast(float x) {
    if constexpr (Width == 16)
      return Type{x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};
    else if constexpr (Width == 8)
      return Type{x, x, x, x, x, x, x, x};
    else
      return Type{x, x, x, x};
  }

  // acc + a * b per lane, rounded as tessel::madd() rounds.
  static Type madd(Type acc, Type a, Type b) {
#if defined(__FMA__) && defined(__AVX512F__)
    if constexpr (Width == 16)
      return _mm512_fmadd_ps(a, b, acc);
#endif
#if defined(__FMA__) && defined(__AVX__)
    if constexpr (Width == 8)
      return _mm256_fmadd_ps(a, b, acc);
    if constexpr (Width == 4)
      return _mm_fmadd_ps(a, b, acc);
#endif
#if defined(__ARM_NEON) && defined(__ARM_FEATURE_FMA)
    if constexpr (Width == 4)
      return vfmaq_f32(acc, a, b);
#endif
#if !defined(__FMA__) && !defined(__ARM_FEATURE_FMA)
    return acc + a * b; // tessel::madd() does not fuse either
#else
    for (int i = 0; i < Width; ++i) // a fused target without a known intrinsic
      acc[i] = tessel::madd(acc[i], a[i], b[i]);
    return acc;
#endif
  }
};

template <> struct Lanes<1> {
  using Type = float;
  static Type load(const float *p) { return *p; }
  static void store(float *p, Type v) { *p = v; }
  static Type broadcast(float x) { return x; }
  static Type madd(Type acc, Type a, Type b) { return tessel::madd(acc, a, b); }
};

// A channel count known at compile time, handed to channelBlocks' body.
template <int N> struct ChannelCount { static constexpr int value = N; };

// Covers channels [0, count) in blocks a kernel has instantiated: blocks of
// `First` channels, then at most one block of each narrower power of two down
// to 4, then single channels, calling body(ChannelCount<Channels>{}, c) for
// the block [c, c + Channels). `First` is a power of two >= 4.
template <int First, typename Body> inline void channelBlocks(int count, Body &&body, int c = 0) {
  static_assert(First >= 4 && (First & (First - 1)) == 0, "blocks halve down to 4 channels");
  for (; c + First <= count; c += First) // after the first width: at most once
    body(ChannelCount<First>{}, c);
  if constexpr (First > 4)
    channelBlocks<First / 2>(count, body, c);
  else
    for (; c < count; ++c)
      body(ChannelCount<1>{}, c);
}

} // namespace tessel
