// Batch normalization with stored statistics, exactly as the format defines
// it: y = gamma (x - mean) / sqrt(variance + epsilon) + beta, per channel;
// libdarknet's form divides by sqrt(variance) + epsilon instead.
#include "reference/ops.h"
#include "reference/require.h"

#include <cmath>

namespace tessel::reference {

std::vector<double> batchNorm(const Layer &layer, const Tensor &input) {
  const Shape &shape = input.shape;
  const LayerWeights &w = layer.weights;
  require(layer.output == shape, layer, "output shape differs from input shape");
  const size_t channels = size_t(shape.c);
  require(w.gamma.size() == channels && w.beta.size() == channels && w.mean.size() == channels &&
              w.variance.size() == channels,
          layer, "statistics must have {} values each", channels);

  const double epsilon = double(layer.batchNorm().epsilon);
  const bool epsilonAfterSqrt = layer.batchNorm().epsilonAfterSqrt;
  std::vector<double> result(size_t(shape.elements()));
  for (int c = 0; c < shape.c; ++c) {
    const double gamma = w.gamma[size_t(c)], beta = w.beta[size_t(c)];
    const double mean = w.mean[size_t(c)], variance = w.variance[size_t(c)];
    const double deviation =
        epsilonAfterSqrt ? std::sqrt(variance) + epsilon : std::sqrt(variance + epsilon);
    for (int y = 0; y < shape.h; ++y)
      for (int x = 0; x < shape.w; ++x)
        result[size_t(flatIndex(shape, c, y, x))] =
            gamma * (input.at(c, y, x) - mean) / deviation + beta;
  }
  return result;
}

} // namespace tessel::reference
