#include "reference/compare.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessel {
namespace {

void noteNan(NanPositions &nans, bool actualNan, bool referenceNan, int64_t index) {
  nans.inActual += actualNan;
  nans.inReference += referenceNan;
  if (nans.first < 0)
    nans.first = index;
  if (actualNan != referenceNan && nans.mismatches++ == 0)
    nans.firstMismatch = index;
}

} // namespace

Comparison compareOutputs(const std::vector<float> &actual, const std::vector<float> &reference) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  Comparison result;
  const size_t common = std::min(actual.size(), reference.size());
  for (size_t i = 0; i < common; ++i) {
    const bool actualNan = std::isnan(actual[i]), referenceNan = std::isnan(reference[i]);
    double error = 0;
    if (actualNan || referenceNan) {
      noteNan(result.nans, actualNan, referenceNan, int64_t(i));
      if (actualNan != referenceNan)
        error = kInfinity;                  // NaN would otherwise compare false and slip through
    } else if (actual[i] != reference[i]) { // equal infinities are no error
      error = std::fabs(double(actual[i]) - double(reference[i]));
      if (!std::isfinite(error))
        error = kInfinity;
    }
    if (result.worstIndex < 0 || error > result.maxAbsError) {
      result.maxAbsError = error;
      result.worstIndex = int64_t(i);
    }
    // Only finite values set the scale: an infinite one would excuse any error.
    if (std::isfinite(reference[i]))
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
