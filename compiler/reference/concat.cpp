// Concatenation along channels, in input order. In NCHW each input is one
// contiguous block of channels, so the output is the inputs back to back.
#include "reference/ops.h"
#include "reference/require.h"

namespace tessel::reference {

std::vector<double> concat(const Layer &layer, const std::vector<const Tensor *> &inputs) {
  std::vector<double> result;
  result.reserve(size_t(layer.output.elements()));
  int channels = 0;
  for (const Tensor *input : inputs) {
    require(input->shape.h == layer.output.h && input->shape.w == layer.output.w, layer,
            "every input must have the output's height and width");
    channels += input->shape.c;
    result.insert(result.end(), input->values.begin(), input->values.end());
  }
  require(channels == layer.output.c, layer, "inputs have {} channels, output {}", channels,
          layer.output.c);
  return result;
}

} // namespace tessel::reference
