// Concatenation, in input order: along channels (concat), or of whole
// flattened maps (flatten_concat). In NCHW each input of either is one
// contiguous block, so the output is the inputs back to back.
#include "reference/ops.h"
#include "reference/require.h"

namespace tessel::reference {
namespace {

std::vector<double> backToBack(const Layer &layer, const std::vector<const Tensor *> &inputs) {
  std::vector<double> result;
  result.reserve(size_t(layer.output.elements()));
  for (const Tensor *input : inputs)
    result.insert(result.end(), input->values.begin(), input->values.end());
  require(int64_t(result.size()) == layer.output.elements(), layer,
          "inputs have {} elements, output {}", result.size(), layer.output.elements());
  return result;
}

} // namespace

std::vector<double> concat(const Layer &layer, const std::vector<const Tensor *> &inputs) {
  for (const Tensor *input : inputs)
    require(input->shape.h == layer.output.h && input->shape.w == layer.output.w, layer,
            "every input must have the output's height and width");
  return backToBack(layer, inputs);
}

std::vector<double> flattenConcat(const Layer &layer, const std::vector<const Tensor *> &inputs) {
  require(layer.output.h == 1 && layer.output.w == 1, layer, "the output must be a vector");
  return backToBack(layer, inputs);
}

} // namespace tessel::reference
