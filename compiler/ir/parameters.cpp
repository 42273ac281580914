#include "ir/parameters.h"

namespace tessel {

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
