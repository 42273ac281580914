// The parameter tensors a layer owns, by role, and where LayerWeights keeps
// each. Which tensors an op has is its op description's business
// (ops/op_table.h); analysis/parameter_layout.h gives them per layer.
#pragma once

#include "ir/network.h"

#include <cstdint>
#include <vector>

namespace tessel {

enum class ParameterRole { Weight, Bias, Gamma, Beta, Mean, Variance };

struct ParameterTensor {
  ParameterRole role;
  // Its dimensions, row-major as a weights file stores it
  // (docs/network-format.md, "Weights file").
  std::vector<int64_t> dims;
  // Inputs each output of a weight tensor reads (conv: in/groups * kh * kw,
  // fc: input features); 0 for the other roles.
  int64_t fanIn = 0;

  int64_t elements() const;
};

// The member of LayerWeights that holds a tensor of `role`.
std::vector<float> &parameterStorage(LayerWeights &weights, ParameterRole role);
const std::vector<float> &parameterStorage(const LayerWeights &weights, ParameterRole role);

const char *parameterRoleName(ParameterRole role); // "weight", "bias", "gamma", ...

} // namespace tessel
