// Compares a computed output with the reference output. Tests of generated
// code assert `normalizedError` below a tolerance: the worst absolute error
// relative to the largest reference magnitude, so one tolerance fits outputs
// of any scale.
#pragma once

#include <cstdint>
#include <vector>

namespace tessel {

struct Comparison {
  double maxAbsError = 0;     // max |actual[i] - reference[i]|
  double maxAbsReference = 0; // max |reference[i]|
  double normalizedError = 0; // maxAbsError / max(maxAbsReference, 1e-30)
  int64_t worstIndex = -1;    // where maxAbsError occurs; -1 when both are empty
};

// A NaN or infinite difference counts as an infinite error, and so does a
// size mismatch (worstIndex is then the first index only one side has), so
// that neither can pass a tolerance check.
Comparison compareOutputs(const std::vector<float> &actual, const std::vector<float> &reference);

} // namespace tessel
