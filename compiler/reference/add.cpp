// Element-wise sum of two or more inputs of equal shape.
#include "reference/ops.h"
#include "reference/require.h"

namespace tessel::reference {

std::vector<double> add(const Layer &layer, const std::vector<const Tensor *> &inputs) {
  std::vector<double> result(size_t(layer.output.elements()), 0.0);
  for (const Tensor *input : inputs) {
    require(input->shape == layer.output, layer, "all inputs must have the output's shape");
    for (size_t i = 0; i < result.size(); ++i)
      result[i] += double(input->values[i]);
  }
  return result;
}

} // namespace tessel::reference
