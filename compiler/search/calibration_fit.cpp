#include "search/calibration_fit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessel {
namespace {

llvm::Error fitError(const std::string &problem) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), problem);
}

// The unconstrained least-squares solution restricted to `columns` (the other
// unknowns held at zero), by Householder QR. A column that is (numerically) a
// combination of earlier ones gets zero.
std::vector<double> leastSquaresOn(const std::vector<std::vector<double>> &a,
                                   const std::vector<double> &b, const std::vector<int> &columns) {
  const size_t m = a.size(), k = columns.size();
  std::vector<std::vector<double>> r(k, std::vector<double>(m)); // column-major copy
  for (size_t j = 0; j < k; ++j)
    for (size_t i = 0; i < m; ++i)
      r[j][i] = a[i][size_t(columns[j])];
  std::vector<double> rhs = b;
  double largestDiagonal = 0;
  for (size_t j = 0; j < k && j < m; ++j) {
    double norm = 0;
    for (size_t i = j; i < m; ++i)
      norm += r[j][i] * r[j][i];
    norm = std::sqrt(norm);
    if (norm == 0)
      continue;
    const double alpha = r[j][j] > 0 ? -norm : norm;
    std::vector<double> v(r[j].begin() + long(j), r[j].end());
    v[0] -= alpha;
    double vv = 0;
    for (double x : v)
      vv += x * x;
    auto reflect = [&](std::vector<double> &column) {
      double dot = 0;
      for (size_t i = j; i < m; ++i)
        dot += v[i - j] * column[i];
      const double scale = 2 * dot / vv;
      for (size_t i = j; i < m; ++i)
        column[i] -= scale * v[i - j];
    };
    for (size_t l = j; l < k; ++l)
      reflect(r[l]);
    reflect(rhs);
    largestDiagonal = std::max(largestDiagonal, std::abs(r[j][j]));
  }
  const double tiny = largestDiagonal * 1e-12;
  std::vector<double> z(k, 0.0);
  for (size_t j = std::min(k, m); j-- > 0;) {
    if (std::abs(r[j][j]) <= tiny)
      continue;
    double sum = rhs[j];
    for (size_t l = j + 1; l < k; ++l)
      sum -= r[l][j] * z[l];
    z[j] = sum / r[j][j];
  }
  return z;
}

// A^T (b - A x): the negative gradient of |A x - b|^2 / 2.
std::vector<double> steepestDescent(const std::vector<std::vector<double>> &a,
                                    const std::vector<double> &b, const std::vector<double> &x) {
  std::vector<double> w(x.size(), 0.0);
  for (size_t i = 0; i < a.size(); ++i) {
    double residual = b[i];
    for (size_t j = 0; j < x.size(); ++j)
      residual -= a[i][j] * x[j];
    for (size_t j = 0; j < x.size(); ++j)
      w[j] += a[i][j] * residual;
  }
  return w;
}

} // namespace

llvm::Expected<std::vector<double>>
solveNonNegativeLeastSquares(const std::vector<std::vector<double>> &a,
                             const std::vector<double> &b) {
  if (a.empty() || a[0].empty())
    return fitError("non-negative least squares: no equations or no unknowns");
  const size_t m = a.size(), n = a[0].size();
  if (b.size() != m)
    return fitError(fmt::format("non-negative least squares: {} equations but {} right-hand sides",
                                m, b.size()));
  double largest = 0, bNorm = 0;
  for (size_t i = 0; i < m; ++i) {
    if (a[i].size() != n)
      return fitError(fmt::format("non-negative least squares: row {} has {} entries, not {}", i,
                                  a[i].size(), n));
    for (double value : a[i]) {
      if (!std::isfinite(value))
        return fitError("non-negative least squares: a coefficient is not finite");
      largest = std::max(largest, std::abs(value));
    }
    if (!std::isfinite(b[i]))
      return fitError("non-negative least squares: a right-hand side is not finite");
    bNorm += b[i] * b[i];
  }
  const double tolerance = 1e-12 * double(std::max(m, n)) * largest * std::sqrt(bNorm);

  std::vector<double> x(n, 0.0);
  std::vector<bool> passive(n, false);
  // Lawson and Hanson, "Solving Least Squares Problems" (1974), algorithm NNLS.
  for (size_t iteration = 0; iteration < 3 * n + 10; ++iteration) {
    const std::vector<double> w = steepestDescent(a, b, x);
    int entering = -1;
    for (size_t j = 0; j < n; ++j)
      if (!passive[j] && w[j] > tolerance && (entering < 0 || w[j] > w[size_t(entering)]))
        entering = int(j);
    if (entering < 0)
      break; // Kuhn-Tucker conditions hold
    passive[size_t(entering)] = true;
    for (size_t inner = 0; inner <= n; ++inner) {
      std::vector<int> columns;
      for (size_t j = 0; j < n; ++j)
        if (passive[j])
          columns.push_back(int(j));
      const std::vector<double> z = leastSquaresOn(a, b, columns);
      bool feasible = true;
      for (double value : z)
        feasible = feasible && value > 0;
      if (feasible) {
        for (size_t c = 0; c < columns.size(); ++c)
          x[size_t(columns[c])] = z[c];
        break;
      }
      // Step from x towards z as far as x stays non-negative, and drop the
      // unknowns that reach zero.
      double step = 1;
      int blocking = -1;
      for (size_t c = 0; c < columns.size(); ++c) {
        const double current = x[size_t(columns[c])];
        if (z[c] <= 0 && current / (current - z[c]) < step) {
          step = current / (current - z[c]);
          blocking = int(c);
        }
      }
      for (size_t c = 0; c < columns.size(); ++c) {
        double &value = x[size_t(columns[c])];
        value = int(c) == blocking ? 0.0 : value + step * (z[c] - value);
        if (value <= 0) {
          value = 0;
          passive[size_t(columns[c])] = false;
        }
      }
    }
  }
  return x;
}

namespace {

// The figure an unknown stands for: (class, 0..3) the class's work, pixel,
// row or call figure; (-1, 0) ns_per_spilled_byte.
double &figureOf(LatencyProfile &profile, std::pair<int, int> unknown) {
  if (unknown.first < 0)
    return profile.nsPerSpilledByte;
  KernelCost &cost = profile.cost(KernelClass(unknown.first));
  double *figures[4] = {&cost.nsPerWork, &cost.nsPerPixel, &cost.nsPerRow, &cost.nsPerCall};
  return *figures[unknown.second];
}

double figureOf(const LatencyProfile &profile, std::pair<int, int> unknown) {
  LatencyProfile copy = profile;
  return figureOf(copy, unknown);
}

} // namespace

llvm::Expected<LatencyProfile> fitLatencyProfile(const std::vector<LatencyMeasurement> &measured,
                                                 const LatencyProfile &base,
                                                 const std::string &source, double priorWeight) {
  if (measured.empty())
    return fitError("no measurements to fit the latency figures to");
  // The unknowns: the four figures of every class some measurement uses,
  // then ns_per_spilled_byte (kSpilled) if some measurement spills.
  constexpr int kSpilled = -1;
  std::vector<std::pair<int, int>> unknowns; // (class, figure), or (kSpilled, 0)
  for (int kind = 0; kind < kKernelClassCount; ++kind) {
    bool used = false;
    for (const LatencyMeasurement &m : measured)
      for (double value : m.features[size_t(kind)])
        used = used || value > 0;
    if (used)
      for (int figure = 0; figure < 4; ++figure)
        unknowns.emplace_back(kind, figure);
  }
  if (unknowns.empty())
    return fitError("the measurements exercise no kernel class");
  bool spills = false;
  for (const LatencyMeasurement &m : measured)
    spills = spills || m.spilledBytes > 0;
  if (spills)
    unknowns.emplace_back(kSpilled, 0);

  // In nanoseconds, each row divided by its measured time (relative error),
  // each column scaled to unit length so that work counts (millions) and call
  // counts (ones) are solved for with the same precision.
  std::vector<std::vector<double>> a;
  std::vector<double> b;
  for (const LatencyMeasurement &m : measured) {
    if (!(m.seconds > 0) || !std::isfinite(m.seconds))
      return fitError(fmt::format("measurement '{}' has no positive time", m.name));
    const double weight = 1 / (m.seconds * 1e9);
    std::vector<double> row;
    for (auto [kind, figure] : unknowns)
      row.push_back((kind == kSpilled ? m.spilledBytes : m.features[size_t(kind)][size_t(figure)]) *
                    weight);
    a.push_back(std::move(row));
    b.push_back(1.0);
  }
  std::vector<double> columnScale(unknowns.size(), 0.0);
  for (size_t j = 0; j < unknowns.size(); ++j) {
    for (const std::vector<double> &row : a)
      columnScale[j] += row[j] * row[j];
    columnScale[j] = columnScale[j] > 0 ? std::sqrt(columnScale[j]) : 1.0;
    for (std::vector<double> &row : a)
      row[j] /= columnScale[j];
  }
  // The pull towards the base figures, in the scaled unknowns.
  for (size_t j = 0; j < unknowns.size() && priorWeight > 0; ++j) {
    const double figure = figureOf(base, unknowns[j]);
    if (!(figure > 0) || !std::isfinite(figure))
      continue;
    std::vector<double> row(unknowns.size(), 0.0);
    row[j] = priorWeight / (figure * columnScale[j]);
    a.push_back(std::move(row));
    b.push_back(priorWeight);
  }
  llvm::Expected<std::vector<double>> solution = solveNonNegativeLeastSquares(a, b);
  if (!solution)
    return solution.takeError();

  LatencyProfile fitted = base;
  fitted.source = source;
  fitted.calibrated = true;
  for (size_t j = 0; j < unknowns.size(); ++j)
    figureOf(fitted, unknowns[j]) = (*solution)[j] / columnScale[j];
  return fitted;
}

} // namespace tessel
