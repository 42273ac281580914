// im2row + GEMM convolution: any kernel, stride, dilation, padding and
// groups, computed as a matrix product. Same Conv2dParams, packed weights
// (conv2d.h's layout, unchanged), bias and Act epilogue as conv2d<A>,
// channels-last maps, a Region of full-map output coordinates.
//
// The region's output pixels are taken in row-major order, in chunks of up
// to `chunkPixels`. For each chunk and group, the kernel copies every
// pixel's receptive field into one row of the workspace, the patch matrix
//   P[pixel][(ky * kernelW + kx) * inGroup + ic]      (zeros where padding),
// and multiplies it by the group's packed weights, whose blocks of 32 output
// channels are exactly [kernelH * kernelW * inGroup][width] matrices. The
// GEMM micro-kernel is conv2d's (convTap over K = kernelH * kernelW * inGroup
// "channels" at once): pixel blocks run across output rows, and the inner
// loop runs over all K products without a break per tap. That pays where
// the direct kernel's per-tap loop is short: few input channels (a network's
// first layer: K = 27 instead of nine loops of 3), large or strided kernels.
// It costs the copy (each input cell is copied kernelH * kernelW / stride^2
// times) and a workspace.
//
// Bit-exactness: every output element is
//   acc = bias (or +0); for ky, for kx, for ic: acc = madd(acc, P, w);
//   out = activate(acc)
// conv2d's sum in conv2d's order, except that padding taps add madd(acc, 0,
// w) instead of being skipped (which changes at most the sign of a zero, or
// turns an infinite weight into a NaN). It depends on neither the Region
// requested nor the chunks nor the micro-kernel blocks, so every schedule
// computes the same values; interior pixels equal conv2d's bit for bit.
//
// Workspace: im2rowWorkspaceFloats floats, one chunk's patch matrix of one
// group. The packed weights are streamed once per chunk and group, so larger
// chunks cost workspace and save weight traffic.
#pragma once

#include "tessel/accumulators.h"
#include "tessel/arith.h"
#include "tessel/conv2d.h"
#include "tessel/feature_map.h"
#include "tessel/simd.h"

namespace tessel {

// Bytes one chunk's patch matrix aims at: small enough to stay in the L2
// cache while every weight block passes over it. Overridable with
// -DTESSEL_IM2ROW_CHUNK_BYTES=...
#ifndef TESSEL_IM2ROW_CHUNK_BYTES
#define TESSEL_IM2ROW_CHUNK_BYTES (192 * 1024)
#endif
constexpr long kIm2rowChunkBytes = TESSEL_IM2ROW_CHUNK_BYTES;

// Whether conv2dIm2row computes this convolution: every conv2d but the
// depthwise ones (one input channel per group: a GEMM of width 1, which
// depthwiseConv2d computes far better).
constexpr bool im2rowApplies(const Conv2dParams &p) {
  return p.groups >= 1 && p.inChannels > 0 && p.outChannels > 0 && p.inChannels % p.groups == 0 &&
         p.inChannels / p.groups > 1;
}

// Floats of one patch-matrix row: kernelH * kernelW * inChannels / groups.
constexpr long im2rowRowFloats(const Conv2dParams &p) {
  return (long)p.kernelH * p.kernelW * (p.inChannels / (p.groups > 0 ? p.groups : 1));
}

// Pixels per chunk for this convolution: as many as kIm2rowChunkBytes
// holds, at least two micro-kernel blocks.
constexpr int im2rowChunkPixels(const Conv2dParams &p) {
  const long row = im2rowRowFloats(p) * (long)sizeof(float);
  const long fit = row > 0 ? kIm2rowChunkBytes / row : 1;
  const long least = 2 * detail::kConvPixelBlock;
  return (int)(fit > least ? (fit < (1 << 20) ? fit : (1 << 20)) : least);
}

// Floats of workspace conv2dIm2row needs for region r in chunks of
// chunkPixels: one chunk's patch matrix.
constexpr long im2rowWorkspaceFloats(const Conv2dParams &p, Region r, int chunkPixels) {
  const long pixels = r.y1 > r.y0 && r.x1 > r.x0 ? (long)(r.y1 - r.y0) * (r.x1 - r.x0) : 0;
  const long chunk = pixels < chunkPixels ? pixels : (chunkPixels > 0 ? chunkPixels : 1);
  return chunk * im2rowRowFloats(p);
}

namespace detail {

// What the GEMM of one chunk, group and weight block shares.
struct Im2rowChunk {
  const Conv2dParams *p;
  MapView out;
  Region r;
  long first;           // region pixel (row-major) of the chunk's first row
  const float *patches; // [pixel][K]
  long k;               // K, floats per patch row
  const float *weights; // the weight block, [K][width]
  const float *bias;    // at the block's first output channel, or nullptr
  int width;            // output channels in the weight block
  int outChannel;       // first output channel of the weight block
};

// Copies the receptive field of output pixel (oy, ox), group g, into `row`.
inline void im2rowPatch(const Conv2dParams &p, const ConstMapView &in, int oy, int ox, int g,
                        float *row) {
  const int inGroup = p.inChannels / p.groups;
  const int iy0 = oy * p.strideH - p.padTop, ix0 = ox * p.strideW - p.padLeft;
  const int lastX = ix0 + (p.kernelW - 1) * p.dilationW;
  // One copy per kernel row where the row's taps are contiguous in the input.
  const bool rowsContiguous = p.groups == 1 && p.dilationW == 1 && ix0 >= 0 && lastX < in.fullW;
  for (int ky = 0; ky < p.kernelH; ++ky) {
    const int iy = iy0 + ky * p.dilationH;
    const bool rowInside = iy >= 0 && iy < in.fullH;
    if (rowInside && rowsContiguous) {
      const float *src = in.at(iy, ix0);
      const long n = (long)p.kernelW * inGroup;
      for (long i = 0; i < n; ++i)
        row[i] = src[i];
      row += n;
      continue;
    }
    for (int kx = 0; kx < p.kernelW; ++kx, row += inGroup) {
      const int ix = ix0 + kx * p.dilationW;
      if (rowInside && ix >= 0 && ix < in.fullW) {
        const float *src = in.at(iy, ix) + g * inGroup;
        for (int c = 0; c < inGroup; ++c)
          row[c] = src[c];
      } else {
        for (int c = 0; c < inGroup; ++c)
          row[c] = 0.0f;
      }
    }
  }
}

// The micro-kernel: chunk pixels [t, t + Pixels) x block channels
// [oc, oc + Channels), epilogue included. The pixels may span output rows.
template <Act A, int Pixels, int Channels, int Width>
TESSEL_MICRO_KERNEL inline void im2rowBlock(const Im2rowChunk &k, int t, int oc) {
  using L = Lanes<Width>;
  constexpr int kGroups = Channels / Width;
  typename L::Type acc[Pixels][kGroups];
  setAccumulators<Pixels, Channels, Width>(acc, k.bias != nullptr ? k.bias + oc : nullptr);
  convTap<Pixels, Channels, Width, true>(acc, k.patches + t * k.k, k.k, k.weights + oc, k.width,
                                         (int)k.k, 0, Pixels);
  const int across = k.r.x1 - k.r.x0;
  TESSEL_UNROLL_ACCUMULATORS
  for (int q = 0; q < Pixels; ++q) {
    const long pixel = k.first + t + q;
    float *out = k.out.at(k.r.y0 + (int)(pixel / across), k.r.x0 + (int)(pixel % across)) +
                 k.outChannel + oc;
    TESSEL_UNROLL_ACCUMULATORS
    for (int v = 0; v < kGroups; ++v)
      L::store(out + v * Width, acc[q][v]);
    activateSpan<A>(out, Channels, k.p->alpha);
  }
}

template <Act A, int Channels, int Width, int Pixels = kConvPixelBlock>
inline void im2rowPixels(const Im2rowChunk &k, int t, int count, int oc) {
  if constexpr (Pixels > 1) {
    if (count < Pixels)
      return im2rowPixels<A, Channels, Width, Pixels - 1>(k, t, count, oc);
  }
  im2rowBlock<A, Pixels, Channels, Width>(k, t, oc);
}

// The GEMM of `pixels` chunk pixels against one weight block: micro-kernel
// channel blocks of decreasing width, pixel blocks of nearly equal size.
template <Act A> inline void im2rowGemm(const Im2rowChunk &k, int pixels) {
  const int blocks = (pixels + kConvPixelBlock - 1) / kConvPixelBlock;
  const int small = pixels / blocks, larger = pixels % blocks;
  channelBlocks<kConvChannelBlock>(k.width, [&](auto channels, int oc) {
    constexpr int kChannels = decltype(channels)::value;
    int t = 0;
    for (int b = 0; b < blocks; ++b) {
      const int count = small + (b < larger ? 1 : 0);
      im2rowPixels<A, kChannels, lanesFor(kChannels)>(k, t, count, oc);
      t += count;
    }
  });
}

} // namespace detail

// Computes output rows/columns `r` (full output map coordinates) of an
// im2rowApplies(p) convolution into `out`, a view holding at least r. `in`
// must hold every input cell r reads (what conv2d needs). `weights` are in
// conv2d's packed layout, `bias` is [outChannels] or nullptr. `workspace`
// holds im2rowWorkspaceFloats(p, r, chunkPixels) floats (any float
// alignment); nothing beyond them is touched. `out` must overlap neither
// `in` nor the workspace. Writes only the cells of r.
template <Act A>
void conv2dIm2row(const Conv2dParams &p, const float *weights, const float *bias, ConstMapView in,
                  MapView out, Region r, float *workspace, int chunkPixels) {
  const long across = r.x1 - r.x0;
  const long total = r.y1 > r.y0 && across > 0 ? (r.y1 - r.y0) * across : 0;
  if (total == 0)
    return;
  if (chunkPixels < 1)
    chunkPixels = 1;
  const int outGroup = p.outChannels / p.groups;
  const long k = im2rowRowFloats(p);
  // Chunks of nearly equal size, none above chunkPixels.
  const long chunks = (total + chunkPixels - 1) / chunkPixels;
  const long small = total / chunks, larger = total % chunks;
  detail::Im2rowChunk chunk;
  chunk.p = &p;
  chunk.out = out;
  chunk.r = r;
  chunk.patches = workspace;
  chunk.k = k;
  long first = 0;
  for (long c = 0; c < chunks; ++c) {
    const int pixels = (int)(small + (c < larger ? 1 : 0));
    chunk.first = first;
    for (int g = 0; g < p.groups; ++g) {
      for (int t = 0; t < pixels; ++t) {
        const long pixel = first + t;
        detail::im2rowPatch(p, in, r.y0 + (int)(pixel / across), r.x0 + (int)(pixel % across), g,
                            workspace + t * k);
      }
      for (int b = 0; b < outGroup; b += kConvWeightBlock) {
        chunk.width = outGroup - b < kConvWeightBlock ? outGroup - b : kConvWeightBlock;
        chunk.outChannel = g * outGroup + b;
        chunk.bias = bias != nullptr ? bias + chunk.outChannel : nullptr;
        chunk.weights = weights + (long)g * k * outGroup + b * k;
        detail::im2rowGemm<A>(chunk, pixels);
      }
    }
    first += pixels;
  }
}

} // namespace tessel
