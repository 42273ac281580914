// Compares a computed output with the reference output. Tests of generated
// code assert `normalizedError` below a tolerance: the worst absolute error
// relative to the largest reference magnitude, so one tolerance fits outputs
// of any scale.
#pragma once

#include <cstdint>
#include <vector>

namespace tessel {

// Where the NaN values are, in either output.
struct NanPositions {
  int64_t inActual = 0;
  int64_t inReference = 0;
  int64_t first = -1;         // the first index where either is NaN
  int64_t mismatches = 0;     // indices where only one of them is NaN
  int64_t firstMismatch = -1; // the first of those

  bool any() const { return first >= 0; }
};

struct Comparison {
  double maxAbsError = 0;     // max |actual[i] - reference[i]|
  double maxAbsReference = 0; // max |reference[i]|
  double normalizedError = 0; // maxAbsError / max(maxAbsReference, 1e-30)
  int64_t worstIndex = -1;    // where maxAbsError occurs; -1 when both are empty
  NanPositions nans;
};

// NaN in both outputs at the same index, and equal infinities, are equal. A
// NaN on one side only or an infinite difference counts as an infinite error,
// and so does a size mismatch (worstIndex is then the first index only one
// side has), so that none can pass a tolerance check. Only finite reference
// values count in maxAbsReference.
Comparison compareOutputs(const std::vector<float> &actual, const std::vector<float> &reference);

} // namespace tessel
