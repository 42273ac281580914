// Softmax over all elements of the input. Subtracting the maximum first keeps
// exp() from overflowing and does not change the result.
#include "reference/ops.h"
#include "reference/require.h"

#include <algorithm>
#include <cmath>

namespace tessel::reference {

std::vector<double> softmax(const Layer &layer, const Tensor &input) {
  require(layer.output.elements() == input.shape.elements(), layer,
          "output must have as many elements as the input");
  require(!input.values.empty(), layer, "input is empty");
  const double maximum = *std::max_element(input.values.begin(), input.values.end());
  std::vector<double> result(input.values.size());
  double sum = 0.0;
  for (size_t i = 0; i < result.size(); ++i) {
    result[i] = std::exp(double(input.values[i]) - maximum);
    sum += result[i];
  }
  for (double &value : result)
    value /= sum;
  return result;
}

} // namespace tessel::reference
