// Kernels on flat vectors: fully connected, softmax, and the global average
// pool that produces the vector from a map.
#pragma once

#include <math.h>

#include "tessel/arith.h"
#include "tessel/feature_map.h"

namespace tessel {

// out[c] = (sum over y, then x, of in(y, x, c)) / (fullH * fullW). `in` must
// hold the whole map.
inline void globalAvgPool(ConstMapView in, float *out) {
  const int channels = in.channels;
  for (int c = 0; c < channels; ++c)
    out[c] = 0.0f;
  for (int y = 0; y < in.fullH; ++y) {
    for (int x = 0; x < in.fullW; ++x) {
      const float *pixel = in.at(y, x);
      for (int c = 0; c < channels; ++c)
        out[c] += pixel[c];
    }
  }
  const float count = (float)in.fullH * (float)in.fullW;
  for (int c = 0; c < channels; ++c)
    out[c] /= count;
}

// out[o] = activate(bias[o] + sum over i, in order, of weights[o][i] * in[i]).
// `bias` may be nullptr. `in` and `out` must not overlap.
template <Act A>
void fullyConnected(int inFeatures, int outFeatures, const float *weights, const float *bias,
                    const float *in, float *out, float alpha) {
  // Several outputs at a time: independent accumulation chains keep the
  // pipeline busy while each output's own sum stays strictly in order.
  constexpr int kBlock = 4;
  int o = 0;
  for (; o + kBlock <= outFeatures; o += kBlock) {
    const float *w = weights + (long)o * inFeatures;
    float acc[kBlock];
    for (int j = 0; j < kBlock; ++j)
      acc[j] = bias != nullptr ? bias[o + j] : 0.0f;
    for (int i = 0; i < inFeatures; ++i)
      for (int j = 0; j < kBlock; ++j)
        acc[j] = madd(acc[j], w[(long)j * inFeatures + i], in[i]);
    for (int j = 0; j < kBlock; ++j)
      out[o + j] = activate<A>(acc[j], alpha);
  }
  for (; o < outFeatures; ++o) {
    const float *w = weights + (long)o * inFeatures;
    float acc = bias != nullptr ? bias[o] : 0.0f;
    for (int i = 0; i < inFeatures; ++i)
      acc = madd(acc, w[i], in[i]);
    out[o] = activate<A>(acc, alpha);
  }
}

// out[i] = exp(in[i] - max) / sum, the sum taken in index order. `out` may be
// `in`.
inline void softmax(const float *in, float *out, int n) {
  if (n <= 0)
    return;
  float max = in[0];
  for (int i = 1; i < n; ++i)
    max = in[i] > max ? in[i] : max;
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) {
    out[i] = expf(in[i] - max);
    sum += out[i];
  }
  for (int i = 0; i < n; ++i)
    out[i] /= sum;
}

} // namespace tessel
