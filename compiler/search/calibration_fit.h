// Fitting a board's latency figures (target/latency_profile.h) to measured
// run times: every measurement is a whole plan's time, and the model says it
// is the plan's features, summed per kernel class, times the class's figures.
// The figures are costs, so the fit is a non-negative least-squares problem,
// solved with the Lawson-Hanson active-set method.
#pragma once

#include "target/latency_profile.h"

#include "llvm/Support/Error.h"

#include <array>
#include <string>
#include <vector>

namespace tessel {

// Minimizes |A x - b| subject to x >= 0. `a` holds the rows of A, all of
// the same length. Fails on empty input, ragged rows, a `b` of another
// length or numbers that are not finite.
llvm::Expected<std::vector<double>>
solveNonNegativeLeastSquares(const std::vector<std::vector<double>> &a,
                             const std::vector<double> &b);

// Per kernel class and figure (work, pixels, rows, calls): the plan's total,
// i.e. the sum of featuresOf() over its operations.
using PlanFeatures = std::array<std::array<double, 4>, kKernelClassCount>;

struct LatencyMeasurement {
  std::string name; // for reports
  PlanFeatures features{};
  double seconds = 0;
  // The bytes its calls' footprints go beyond the base profile's cache
  // (planSpilledBytes): the feature of ns_per_spilled_byte.
  double spilledBytes = 0;
};

// How strongly the fit holds figures to the base profile's. The probes
// cannot always tell a class's figures apart (e.g. every call of a dense
// layer has one pixel and one row), nor every class from the conversions
// each probe includes; a weak pull towards the base figures settles those
// directions instead of zeroing one figure at random. Each figure adds the
// equation `priorWeight * (figure / base figure - 1) = 0`, next to one
// equation per measurement in relative error; 0 turns it off.
inline constexpr double kDefaultPriorWeight = 0.01;

// Fits every class's four figures and ns_per_spilled_byte jointly (the
// latter when some measurement spills; cache_bytes stays the base's). Rows are weighted by 1 /
// seconds so that the fit minimizes relative errors and small plans count as much as large ones.
// Classes no measurement uses keep `base`'s figures. The result carries `source`.
llvm::Expected<LatencyProfile> fitLatencyProfile(const std::vector<LatencyMeasurement> &measured,
                                                 const LatencyProfile &base,
                                                 const std::string &source,
                                                 double priorWeight = kDefaultPriorWeight);

} // namespace tessel
