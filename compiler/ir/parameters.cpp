#include "ir/parameters.h"

namespace tessel {

int64_t ParameterTensor::elements() const {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

std::vector<float> &parameterStorage(LayerWeights &weights, ParameterRole role) {
  switch (role) {
  case ParameterRole::Weight: return weights.weight;
  case ParameterRole::Bias: return weights.bias;
  case ParameterRole::Gamma: return weights.gamma;
  case ParameterRole::Beta: return weights.beta;
  case ParameterRole::Mean: return weights.mean;
  case ParameterRole::Variance: return weights.variance;
  }
  return weights.weight;
}

const std::vector<float> &parameterStorage(const LayerWeights &weights, ParameterRole role) {
  return parameterStorage(const_cast<LayerWeights &>(weights), role);
}

const char *parameterRoleName(ParameterRole role) {
  switch (role) {
  case ParameterRole::Weight: return "weight";
  case ParameterRole::Bias: return "bias";
  case ParameterRole::Gamma: return "gamma";
  case ParameterRole::Beta: return "beta";
  case ParameterRole::Mean: return "mean";
  case ParameterRole::Variance: return "variance";
  }
  return "?";
}

} // namespace tessel
