#include "frontend/random_weights.h"

#include "frontend/splitmix64.h"
#include "frontend/weight_tensors.h"

#include <cmath>

namespace tessel {
namespace {

// Values are drawn uniformly from center +- halfWidth.
struct UniformRange {
  float center;
  float halfWidth;
};

UniformRange rangeOf(const ParameterTensor &tensor) {
  switch (tensor.role) {
  case ParameterRole::Weight: return {0.0f, float(std::sqrt(6.0 / double(tensor.fanIn)))};
  case ParameterRole::Bias:
  case ParameterRole::Beta:
  case ParameterRole::Mean: return {0.0f, 0.1f};
  case ParameterRole::Gamma: return {1.0f, 0.2f};
  case ParameterRole::Variance: return {1.0f, 0.5f};
  }
  return {0.0f, 0.0f};
}

// Each tensor gets its own stream, so changing one layer leaves the others'
// values unchanged.
uint64_t tensorSeed(uint64_t seed, int layerIndex, int tensorIndex) {
  uint64_t state = SplitMix64::mix(seed);
  state = SplitMix64::mix(state ^ uint64_t(layerIndex));
  return SplitMix64::mix(state ^ uint64_t(tensorIndex));
}

} // namespace

void fillRandomWeights(Network &network, uint64_t seed) {
  forEachParameterTensor(network, [&](int layerIndex, int tensorIndex,
                                      const ParameterTensor &tensor, std::vector<float> &values) {
    SplitMix64 generator(tensorSeed(seed, layerIndex, tensorIndex));
    const UniformRange range = rangeOf(tensor);
    for (float &value : values) {
      const float signedUnit = 2.0f * generator.nextUnit() - 1.0f; // [-1, 1), exact
      // Separate statements: a fused multiply-add would round differently
      // on some machines.
      const float offset = range.halfWidth * signedUnit;
      value = range.center + offset;
    }
  });
}

} // namespace tessel
