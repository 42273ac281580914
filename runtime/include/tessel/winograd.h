// Winograd convolution F(m x m, 3 x 3), m = 2 or 4 (Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks"), for the convolutions it
// applies to: kernel 3x3, stride 1, dilation 1, groups 1, any padding and
// channel counts (winogradApplies). Same Conv2dParams, bias and Act epilogue
// as conv2d<A>, channels-last maps, a Region of full-map output coordinates.
//
// The output map is cut into m x m tiles on a grid fixed in map coordinates:
// tile (ty, tx) covers output rows [ty m, ty m + m) x columns [tx m, tx m + m)
// and reads the (m + 2) x (m + 2) input patch from (ty m - padTop,
// tx m - padLeft), cells outside the input map being zero. Per tile, with
// a = m + 2 and the 3x3 kernel g of output channel o and input channel i:
//   V_i = B^T d_i B                   (input transform, a x a "positions")
//   M_o = sum_i U_oi (.) V_i          (one GEMM per position, over i in order)
//   Y_o = A^T M_o A                   (output transform, m x m)
//   out = activate(Y_o + bias_o)
// where U_oi = G g_oi G^T is precomputed by winogradTransformWeights.
//
// Bit-exactness: every step above is a fixed sequence of operations on the
// tile's own inputs: the transforms' products by constants and the GEMM go
// through Lanes::madd (so they fuse exactly where madd() fuses, whatever
// -ffp-contract says, and a vector lane computes what a scalar remainder
// does), the GEMM accumulates input channels 0, 1, ... in order from +0, and
// the epilogue is conv2d's activateSpan (compiled, like all generated code,
// with -ffp-contract=off). Every output element belongs to exactly one tile.
// So a value depends neither on the Region requested, nor on the window the
// input view holds, nor on how the kernel groups tiles into chunks or
// micro-kernel blocks. A Region that cuts a tile computes the whole tile and
// writes only its cells inside the Region; the input window must therefore
// hold the input of whole tiles (winogradInputWindow), up to m - 1 more rows
// and columns on each side than conv2d needs for the same Region.
//
// Accuracy: the values differ from conv2d's (a different sum) by the
// transforms' rounding. For unit-scale random data the largest difference
// from a double-precision reference, over the largest |output|, measured
// up to 2e-6 for F(2x2) and 3e-5 for F(4x4) (its constants up to 8 and 1/24
// amplify rounding) with up to 1024 input channels, against 1e-6 for
// conv2d (tests/unit/test_winograd.cpp, bench/conv_primitives.py).
//
// Weights: winogradTransformWeights takes conv2d's packed layout
// (convWeightIndex with a 3x3 kernel and one group) and writes, for each
// position p = (row * a + col) of the a x a transformed kernel, a packed 1x1
// convolution weight: U[p * inC * outC + convWeightIndex(1, 1, inC, outC, 0,
// 0, 0, ci, co)], i.e. per position blocks of 32 output channels, each
// [inChannels][width]. The GEMM of one position and block then reads, per
// input channel, the block's output channels as contiguous vectors.
//
// Workspace: the kernel transforms up to `chunkTiles` tiles at a time (tiles
// of the Region in row-major order, the last tile row of one chunk followed
// by the next): their inputs V [position][tile][inChannels] and products M
// [position][tile][outChannels]. winogradWorkspaceFloats says how many
// floats that takes; its size does not grow with the map beyond chunkTiles
// tiles. The transformed weights are read once per chunk, so larger chunks
// cost workspace and save weight traffic (which dominates on small maps with
// many channels).
#pragma once

#include "tessel/accumulators.h"
#include "tessel/arith.h"
#include "tessel/conv2d.h"
#include "tessel/feature_map.h"
#include "tessel/simd.h"

namespace tessel {

// Default tiles per chunk: every yolov2-16 19x19 layer (25 tiles of 4x4)
// transforms its whole map at once and streams its transformed weights once.
// A trade-off (bench/conv_primitives.py, AVX-512): with 64, 256->512 channels
// on 38x38 ran 1.2x faster (its 19 MB of F(4x4) weights read twice instead of
// four times), the layers with fewer channels up to 10% slower (the chunk's
// V and M no longer in L2) and the workspace doubles. The compiler may pass
// another chunkTiles per layer. Overridable with
// -DTESSEL_WINOGRAD_CHUNK_TILES=...
#ifndef TESSEL_WINOGRAD_CHUNK_TILES
#define TESSEL_WINOGRAD_CHUNK_TILES 32
#endif
constexpr int kWinogradChunkTiles = TESSEL_WINOGRAD_CHUNK_TILES;

// Whether conv2dWinograd computes this convolution.
constexpr bool winogradApplies(const Conv2dParams &p) {
  return p.kernelH == 3 && p.kernelW == 3 && p.strideH == 1 && p.strideW == 1 && p.dilationH == 1 &&
         p.dilationW == 1 && p.groups == 1 && p.inChannels > 0 && p.outChannels > 0;
}

// Transform positions of F(m x m, 3 x 3): (m + 2)^2.
constexpr int winogradPositions(int m) {
  return (m + 2) * (m + 2);
}

// Floats of the transformed weights of F(m x m, 3 x 3).
constexpr long winogradWeightFloats(const Conv2dParams &p, int m) {
  return (long)winogradPositions(m) * p.inChannels * p.outChannels;
}

// The m x m tiles region r touches: tile rows [ty0, ty1) x columns [tx0, tx1).
struct WinogradTiles {
  int ty0, ty1, tx0, tx1;
  constexpr long count() const {
    return ty1 > ty0 && tx1 > tx0 ? (long)(ty1 - ty0) * (tx1 - tx0) : 0;
  }
};

constexpr WinogradTiles winogradTiles(int m, Region r) {
  if (r.y1 <= r.y0 || r.x1 <= r.x0)
    return WinogradTiles{0, 0, 0, 0};
  // Output coordinates are >= 0: plain division rounds down.
  return WinogradTiles{r.y0 / m, (r.y1 + m - 1) / m, r.x0 / m, (r.x1 + m - 1) / m};
}

// Input cells conv2dWinograd reads for region r: the patches of every tile r
// touches, clamped to the inH x inW input map (empty when they hold only
// padding). The input view must hold at least this window.
constexpr Region winogradInputWindow(const Conv2dParams &p, int m, Region r, int inH, int inW) {
  const WinogradTiles t = winogradTiles(m, r);
  if (t.count() == 0)
    return Region{0, 0, 0, 0};
  const auto clamp = [](int v, int size) { return v < 0 ? 0 : (v > size ? size : v); };
  Region w{clamp(t.ty0 * m - p.padTop, inH), clamp(t.ty1 * m - p.padTop + 2, inH),
           clamp(t.tx0 * m - p.padLeft, inW), clamp(t.tx1 * m - p.padLeft + 2, inW)};
  if (w.y1 < w.y0)
    w.y1 = w.y0;
  if (w.x1 < w.x0)
    w.x1 = w.x0;
  return w;
}

namespace detail {
// Floats from one position's [tile][channel] slab to the next: the slab
// rounded up to an odd number of 64-byte lines, so that the a x a values of
// one tile and channel, one per slab, fall into different cache sets (with
// power-of-two slabs, e.g. 32 tiles x 32 channels, all 36 share one set).
constexpr long winogradSlabFloats(long tiles, int channels) {
  const long lines = (tiles * channels + 15) / 16;
  return (lines | 1) * 16;
}
} // namespace detail

// Floats of workspace conv2dWinograd<m> needs for region r: per position,
// the V and M slabs of the largest chunk.
constexpr long winogradWorkspaceFloats(const Conv2dParams &p, int m, Region r,
                                       int chunkTiles = kWinogradChunkTiles) {
  const long tiles = winogradTiles(m, r).count();
  if (tiles == 0)
    return 0;
  const long chunk = tiles < chunkTiles ? tiles : (chunkTiles > 0 ? chunkTiles : 1);
  return winogradPositions(m) * (detail::winogradSlabFloats(chunk, p.inChannels) +
                                 detail::winogradSlabFloats(chunk, p.outChannels));
}

// U = G g G^T for every (output, input) channel pair: `packed` in conv2d's
// layout (convWeightIndex, kernel 3x3, groups 1), `out` as described at the
// top, winogradWeightFloats(p, m) floats. m is 2 or 4 (nothing is written
// otherwise). Plain C++ for the compiler (at compile time, on the host) and
// the tests. G = diag(1 / s) G' with G' of 0, +-1, +-2 and +-4 only:
//   F(2, 3): G' = [1 0 0; 1 1 1; 1 -1 1; 0 0 1],  s = (1, 2, 2, 1)
//   F(4, 3): G' = [1 0 0; 1 1 1; 1 -1 1; 1 2 4; 1 -2 4; 0 0 1],
//            s = (4, -6, -6, 24, 24, 1)
// so G' g G'^T is computed in double with exact products (whether or not the
// host compiler fuses them into its sums, the result is the same) and then
// divided once by s_i s_j: the value, and so U, is the same on every host.
inline void winogradTransformWeights(const Conv2dParams &p, int m, const float *packed,
                                     float *out) {
  static constexpr double kG2[4][3] = {{1, 0, 0}, {1, 1, 1}, {1, -1, 1}, {0, 0, 1}};
  static constexpr double kS2[4] = {1, 2, 2, 1};
  static constexpr double kG4[6][3] = {{1, 0, 0}, {1, 1, 1},  {1, -1, 1},
                                       {1, 2, 4}, {1, -2, 4}, {0, 0, 1}};
  static constexpr double kS4[6] = {4, -6, -6, 24, 24, 1};
  if (m != 2 && m != 4)
    return;
  const int a = m + 2;
  const double(*gp)[3] = m == 2 ? kG2 : kG4;
  const double *sp = m == 2 ? kS2 : kS4;
  const int inC = p.inChannels, outC = p.outChannels;
  const long positionFloats = (long)inC * outC;
  for (int co = 0; co < outC; ++co) {
    for (int ci = 0; ci < inC; ++ci) {
      double g[3][3];
      for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx)
          g[ky][kx] = (double)packed[convWeightIndex(3, 3, inC, outC, 0, ky, kx, ci, co)];
      double gg[6][3]; // G' g
      for (int i = 0; i < a; ++i)
        for (int kx = 0; kx < 3; ++kx) {
          double sum = 0.0;
          for (int ky = 0; ky < 3; ++ky)
            sum += gp[i][ky] * g[ky][kx];
          gg[i][kx] = sum;
        }
      const long index = convWeightIndex(1, 1, inC, outC, 0, 0, 0, ci, co);
      for (int i = 0; i < a; ++i)
        for (int j = 0; j < a; ++j) {
          double sum = 0.0; // (G' g G'^T)[i][j]
          for (int kx = 0; kx < 3; ++kx)
            sum += gg[i][kx] * gp[j][kx];
          out[(long)(i * a + j) * positionFloats + index] = (float)(sum / (sp[i] * sp[j]));
        }
    }
  }
}

namespace detail {

// The 1-D transforms on `Width` channels at once (a vector, or a float when
// Width == 1). Products by constants go through Lanes::madd, so a lane
// computes what the scalar path computes, and no -ffp-contract setting can
// fuse an expression differently elsewhere.
template <int M, int Width> struct WinogradTransforms;

// F(2, 3): B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], A^T = [1 1 1 0; 0 1 -1 -1].
template <int Width> struct WinogradTransforms<2, Width> {
  using T = typename Lanes<Width>::Type;
  __attribute__((always_inline)) static void input(const T (&d)[4], T (&t)[4]) {
    t[0] = d[0] - d[2];
    t[1] = d[1] + d[2];
    t[2] = d[2] - d[1];
    t[3] = d[1] - d[3];
  }
  __attribute__((always_inline)) static void output(const T (&s)[4], T (&y)[2]) {
    y[0] = (s[0] + s[1]) + s[2];
    y[1] = (s[1] - s[2]) - s[3];
  }
};

// F(4, 3), interpolation points 0, 1, -1, 2, -2, infinity:
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0;
//          0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
template <int Width> struct WinogradTransforms<4, Width> {
  using L = Lanes<Width>;
  using T = typename L::Type;
  __attribute__((always_inline)) static void input(const T (&d)[6], T (&t)[6]) {
    const T four = L::broadcast(4.0f), minusFour = L::broadcast(-4.0f);
    const T minusFive = L::broadcast(-5.0f), two = L::broadcast(2.0f);
    t[0] = L::madd(L::madd(d[4], d[0], four), d[2], minusFive);
    t[1] = L::madd(d[3] + d[4], d[1] + d[2], minusFour);
    t[2] = L::madd(d[4] - d[3], d[1] - d[2], four);
    t[3] = L::madd(d[4] - d[2], d[3] - d[1], two);
    t[4] = L::madd(d[4] - d[2], d[1] - d[3], two);
    t[5] = L::madd(L::madd(d[5], d[1], four), d[3], minusFive);
  }
  __attribute__((always_inline)) static void output(const T (&s)[6], T (&y)[4]) {
    const T two = L::broadcast(2.0f), four = L::broadcast(4.0f), eight = L::broadcast(8.0f);
    const T s12 = s[1] + s[2], d12 = s[1] - s[2];
    const T s34 = s[3] + s[4], d34 = s[3] - s[4];
    y[0] = (s[0] + s12) + s34;
    y[1] = L::madd(d12, d34, two);
    y[2] = L::madd(s12, s34, four);
    y[3] = L::madd(d12 + s[5], d34, eight);
  }
};

// What the transforms of one chunk share.
struct WinogradChunk {
  const Conv2dParams *p;
  ConstMapView in;
  MapView out;
  Region r;
  const float *weights; // transformed
  const float *bias;    // or nullptr
  float *v;             // [position][tile][inChannels], slabs vStep apart
  float *m;             // [position][tile][outChannels], slabs mStep apart
  long vStep, mStep;
  int tiles; // in this chunk
};

// V of one tile for input channels [c, c + Width): the a x a patch from input
// (iy0, ix0), zeros outside the map, transformed along rows then columns.
template <int M, int Width>
inline void winogradInputVectors(const WinogradChunk &k, int iy0, int ix0, bool interior,
                                 const float *base, int c, float *v, long positionStep) {
  using L = Lanes<Width>;
  using T = typename L::Type;
  using Tr = WinogradTransforms<M, Width>;
  constexpr int kA = M + 2;
  const long rowStep = (long)k.in.w * k.in.channels;
  const long colStep = k.in.channels;
  T t[kA][kA]; // t[row][j]: row transformed along x
  for (int i = 0; i < kA; ++i) {
    T d[kA];
    if (interior) {
      const float *row = base + i * rowStep + c;
      for (int j = 0; j < kA; ++j)
        d[j] = L::load(row + j * colStep);
    } else {
      const int iy = iy0 + i;
      const bool rowInside = iy >= 0 && iy < k.in.fullH;
      for (int j = 0; j < kA; ++j) {
        const int ix = ix0 + j;
        d[j] = rowInside && ix >= 0 && ix < k.in.fullW ? L::load(k.in.at(iy, ix) + c)
                                                       : L::broadcast(0.0f);
      }
    }
    Tr::input(d, t[i]);
  }
  for (int j = 0; j < kA; ++j) {
    T column[kA], w[kA];
    for (int i = 0; i < kA; ++i)
      column[i] = t[i][j];
    Tr::input(column, w);
    for (int i = 0; i < kA; ++i)
      L::store(v + (i * kA + j) * positionStep + c, w[i]);
  }
}

// Input transform of tile `tile` of the chunk, all input channels.
template <int M> inline void winogradInputTile(const WinogradChunk &k, int ty, int tx, int tile) {
  constexpr int kA = M + 2;
  const Conv2dParams &p = *k.p;
  const int iy0 = ty * M - p.padTop, ix0 = tx * M - p.padLeft;
  const bool interior = iy0 >= 0 && ix0 >= 0 && iy0 + kA <= k.in.fullH && ix0 + kA <= k.in.fullW;
  const float *base = interior ? k.in.at(iy0, ix0) : nullptr;
  const long positionStep = k.vStep;
  float *v = k.v + (long)tile * p.inChannels;
  channelBlocks<(kLanes >= 4 ? kLanes : 4)>(p.inChannels, [&](auto channels, int c) {
    constexpr int kChannels = decltype(channels)::value;
    constexpr int kWidth = lanesFor(kChannels);
    for (int q = 0; q < kChannels; q += kWidth)
      winogradInputVectors<M, kWidth>(k, iy0, ix0, interior, base, c + q, v, positionStep);
  });
}

// The GEMM micro-kernel: M[pos][tile0 + t][oc + ...] = sum over input
// channels in order of V[pos][tile0 + t][ic] * U[pos][ic][oc + ...], for
// Tiles tiles x Channels output channels (conv2d's 1x1 inner loop).
template <int Tiles, int Channels, int Width>
TESSEL_MICRO_KERNEL inline void winogradGemmBlock(const float *v, long vTileStep, const float *u,
                                                  int uWidth, int inChannels, float *m,
                                                  long mTileStep) {
  using L = Lanes<Width>;
  constexpr int kGroups = Channels / Width;
  typename L::Type acc[Tiles][kGroups];
  setAccumulators<Tiles, Channels, Width>(acc, nullptr);
  convTap<Tiles, Channels, Width, true>(acc, v, vTileStep, u, uWidth, inChannels, 0, Tiles);
  TESSEL_UNROLL_ACCUMULATORS
  for (int t = 0; t < Tiles; ++t) {
    TESSEL_UNROLL_ACCUMULATORS
    for (int g = 0; g < kGroups; ++g)
      L::store(m + t * mTileStep + g * Width, acc[t][g]);
  }
}

template <int Channels, int Width, int Tiles = kConvPixelBlock>
inline void winogradGemmTiles(int count, const float *v, long vTileStep, const float *u, int uWidth,
                              int inChannels, float *m, long mTileStep) {
  if constexpr (Tiles > 1) {
    if (count < Tiles)
      return winogradGemmTiles<Channels, Width, Tiles - 1>(count, v, vTileStep, u, uWidth,
                                                           inChannels, m, mTileStep);
  }
  winogradGemmBlock<Tiles, Channels, Width>(v, vTileStep, u, uWidth, inChannels, m, mTileStep);
}

// The chunk's GEMMs: per position, per weight block of 32 output channels,
// per micro-kernel channel block, the chunk's tiles in blocks of nearly equal
// size (as conv2d splits a row's pixels).
inline void winogradGemm(const WinogradChunk &k, int positions) {
  const int inC = k.p->inChannels, outC = k.p->outChannels;
  const int n = k.tiles;
  const int blocks = (n + kConvPixelBlock - 1) / kConvPixelBlock;
  const int small = n / blocks, larger = n % blocks;
  for (int pos = 0; pos < positions; ++pos) {
    const float *vPos = k.v + pos * k.vStep;
    float *mPos = k.m + pos * k.mStep;
    const float *uPos = k.weights + (long)pos * inC * outC;
    for (int b = 0; b < outC; b += kConvWeightBlock) {
      const int width = outC - b < kConvWeightBlock ? outC - b : kConvWeightBlock;
      const float *uBlock = uPos + (long)b * inC;
      channelBlocks<kConvChannelBlock>(width, [&](auto channels, int oc) {
        constexpr int kChannels = decltype(channels)::value;
        int t = 0;
        for (int blk = 0; blk < blocks; ++blk) {
          const int count = small + (blk < larger ? 1 : 0);
          winogradGemmTiles<kChannels, lanesFor(kChannels)>(count, vPos + (long)t * inC, inC,
                                                            uBlock + oc, width, inC,
                                                            mPos + (long)t * outC + b + oc, outC);
          t += count;
        }
      });
    }
  }
}

// Y for output channels [c, c + Width) of one tile, bias added, stored to the
// tile's cells in rows [y0, y1) x columns [x0, x1) (tile-relative; `first`
// points at cell (y0, x0)).
template <int M, int Width>
inline void winogradOutputVectors(const WinogradChunk &k, const float *mTile, long positionStep,
                                  int c, float *first, long outRowStep, int y0, int y1, int x0,
                                  int x1) {
  using L = Lanes<Width>;
  using T = typename L::Type;
  using Tr = WinogradTransforms<M, Width>;
  constexpr int kA = M + 2;
  const long colStep = k.out.channels;
  T s[kA][M]; // s[row][j]: row transformed along x
  for (int i = 0; i < kA; ++i) {
    T row[kA];
    for (int j = 0; j < kA; ++j)
      row[j] = L::load(mTile + (i * kA + j) * positionStep + c);
    Tr::output(row, s[i]);
  }
  const T bias = k.bias != nullptr ? L::load(k.bias + c) : L::broadcast(0.0f);
  for (int j = 0; j < M; ++j) {
    T column[kA], y[M];
    for (int i = 0; i < kA; ++i)
      column[i] = s[i][j];
    Tr::output(column, y);
    if (j < x0 || j >= x1)
      continue;
    for (int i = y0; i < y1; ++i)
      L::store(first + (i - y0) * outRowStep + (j - x0) * colStep + c, y[i] + bias);
  }
}

// Output transform, bias and activation of tile `tile`, its cells inside the
// region only.
template <int M, Act A>
inline void winogradOutputTile(const WinogradChunk &k, int ty, int tx, int tile) {
  const Conv2dParams &p = *k.p;
  const int oy0 = ty * M, ox0 = tx * M;
  const int y0 = k.r.y0 > oy0 ? k.r.y0 - oy0 : 0;
  const int y1 = k.r.y1 < oy0 + M ? k.r.y1 - oy0 : M;
  const int x0 = k.r.x0 > ox0 ? k.r.x0 - ox0 : 0;
  const int x1 = k.r.x1 < ox0 + M ? k.r.x1 - ox0 : M;
  // The tile's first cell inside the region (its origin may lie outside the
  // output view).
  float *first = k.out.at(oy0 + y0, ox0 + x0);
  const long outRowStep = (long)k.out.w * k.out.channels;
  const long positionStep = k.mStep;
  const float *mTile = k.m + (long)tile * p.outChannels;
  channelBlocks<(kLanes >= 4 ? kLanes : 4)>(p.outChannels, [&](auto channels, int c) {
    constexpr int kChannels = decltype(channels)::value;
    constexpr int kWidth = lanesFor(kChannels);
    for (int q = 0; q < kChannels; q += kWidth)
      winogradOutputVectors<M, kWidth>(k, mTile, positionStep, c + q, first, outRowStep, y0, y1, x0,
                                       x1);
  });
  if constexpr (A != Act::Linear)
    for (int i = y0; i < y1; ++i)
      activateSpan<A>(first + (i - y0) * outRowStep, (long)(x1 - x0) * k.out.channels, p.alpha);
}

} // namespace detail

// Computes output rows/columns `r` (full output map coordinates) of a 3x3,
// stride-1 convolution (winogradApplies(p)) with F(M x M, 3 x 3), M = 2 or 4,
// into `out`, a view holding at least r. `in` must hold
// winogradInputWindow(p, M, r, in.fullH, in.fullW). `weights` come from
// winogradTransformWeights(p, M, ...), `bias` is [outChannels] or nullptr.
// `workspace` holds winogradWorkspaceFloats(p, M, r, chunkTiles) floats
// (any float alignment); nothing beyond them is touched. `out` must overlap
// neither `in` nor the workspace. Writes only the cells of r.
template <int M, Act A>
void conv2dWinograd(const Conv2dParams &p, const float *weights, const float *bias, ConstMapView in,
                    MapView out, Region r, float *workspace, int chunkTiles = kWinogradChunkTiles) {
  static_assert(M == 2 || M == 4, "F(2x2, 3x3) or F(4x4, 3x3)");
  constexpr int kPositions = (M + 2) * (M + 2);
  const WinogradTiles grid = winogradTiles(M, r);
  const long total = grid.count();
  if (total == 0)
    return;
  if (chunkTiles < 1)
    chunkTiles = 1;
  // Chunks of nearly equal size, none above chunkTiles.
  const long chunks = (total + chunkTiles - 1) / chunkTiles;
  const long small = total / chunks, larger = total % chunks;
  const int across = grid.tx1 - grid.tx0;
  detail::WinogradChunk k;
  k.p = &p;
  k.in = in;
  k.out = out;
  k.r = r;
  k.weights = weights;
  k.bias = bias;
  long first = 0;
  for (long chunk = 0; chunk < chunks; ++chunk) {
    k.tiles = (int)(small + (chunk < larger ? 1 : 0));
    k.vStep = detail::winogradSlabFloats(k.tiles, p.inChannels);
    k.mStep = detail::winogradSlabFloats(k.tiles, p.outChannels);
    k.v = workspace;
    k.m = workspace + kPositions * k.vStep;
    for (int t = 0; t < k.tiles; ++t) {
      const long index = first + t;
      detail::winogradInputTile<M>(k, grid.ty0 + (int)(index / across),
                                   grid.tx0 + (int)(index % across), t);
    }
    detail::winogradGemm(k, kPositions);
    for (int t = 0; t < k.tiles; ++t) {
      const long index = first + t;
      detail::winogradOutputTile<M, A>(k, grid.ty0 + (int)(index / across),
                                       grid.tx0 + (int)(index % across), t);
    }
    first += k.tiles;
  }
}

} // namespace tessel
