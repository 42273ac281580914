#include "reference/compare.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessel {

Comparison compareOutputs(const std::vector<float> &actual, const std::vector<float> &reference) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  Comparison result;
  const size_t common = std::min(actual.size(), reference.size());
  for (size_t i = 0; i < common; ++i) {
    double error = std::fabs(double(actual[i]) - double(reference[i]));
    if (!std::isfinite(error))
      error = kInfinity; // NaN would otherwise compare false and slip through
    if (result.worstIndex < 0 || error > result.maxAbsError) {
      result.maxAbsError = error;
      result.worstIndex = int64_t(i);
    }
    result.maxAbsReference = std::max(result.maxAbsReference, std::fabs(double(reference[i])));
  }
  if (actual.size() != reference.size()) {
    result.maxAbsError = kInfinity;
    result.worstIndex = int64_t(common);
  }
  result.normalizedError = result.maxAbsError / std::max(result.maxAbsReference, 1e-30);
  return result;
}

} // namespace tessel
