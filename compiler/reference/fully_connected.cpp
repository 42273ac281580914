// Fully connected layer over the input flattened in NCHW order (C, H, W):
// out[o] = bias[o] + sum_i weight[o][i] * in[i].
#include "reference/ops.h"
#include "reference/require.h"

namespace tessel::reference {

std::vector<double> fullyConnected(const Layer &layer, const Tensor &input) {
  const FullyConnectedAttrs &fc = layer.fc();
  // NCHW storage already is the flattened order.
  const std::vector<float> &in = input.values;
  const size_t inFeatures = in.size();
  const size_t outFeatures = size_t(fc.outFeatures);
  require(layer.output == Shape{fc.outFeatures, 1, 1}, layer, "output must be {} x 1 x 1",
          fc.outFeatures);
  require(layer.weights.weight.size() == outFeatures * inFeatures, layer,
          "weight has {} values, expected {} x {}", layer.weights.weight.size(), outFeatures,
          inFeatures);
  require(layer.weights.bias.size() == (fc.bias ? outFeatures : 0), layer, "bias has {} values",
          layer.weights.bias.size());

  std::vector<double> result(outFeatures);
  for (size_t o = 0; o < outFeatures; ++o) {
    double sum = fc.bias ? double(layer.weights.bias[o]) : 0.0;
    for (size_t i = 0; i < inFeatures; ++i)
      sum += double(layer.weights.weight[o * inFeatures + i]) * double(in[i]);
    result[o] = sum;
  }
  return result;
}

} // namespace tessel::reference
