// Kernels on flat vectors: fully connected, softmax, and the global average
// pool that produces the vector from a map.
#pragma once

#include <math.h>

#include "tessel/arith.h"
#include "tessel/conv2d.h"
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

// out[o] = activate(bias[o] + sum over i, in order, of w(o, i) * in[i]), where
// the weights are packed as conv2d's for a 1x1 convolution with inFeatures
// input channels: w(o, i) = weights[convWeightIndex(1, 1, inFeatures,
// outFeatures, 0, 0, 0, i, o)]. That is what this is: the vector is a 1x1 map,
// so the convolution's register-blocked micro-kernel (blocks of output
// channels in vectors, one weight stream per block) computes it, with the
// same order of operations per output. `bias` may be nullptr. `in` and `out`
// must not overlap.
template <Act A>
void fullyConnected(int inFeatures, int outFeatures, const float *weights, const float *bias,
                    const float *in, float *out, float alpha) {
  const Conv2dParams asConv{inFeatures, outFeatures, 1, 1, 1, 1, 1, 1, 1, 0, 0, alpha};
  conv2d<A>(asConv, weights, bias, wholeMap<const float>(in, inFeatures, 1, 1),
            wholeMap<float>(out, outFeatures, 1, 1), Region{0, 1, 0, 1});
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
