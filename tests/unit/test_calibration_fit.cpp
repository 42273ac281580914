// The calibration fit: the non-negative least-squares solver recovers known
// coefficients, clamps at zero where the unconstrained solution would go
// negative, and rejects malformed input; the latency fit recovers a profile
// from exact synthetic times, weights rows by relative error and leaves the
// classes no measurement uses alone. The probe set covers every class.
#include "search/calibration_fit.h"
#include "search/calibration_probes.h"

#include "frontend/load_network.h"
#include "normalize/normalize.h"
#include "pipeline/network_input.h"
#include "schedule/schedule.h"
#include "search/latency_model.h"

#include "llvm/Support/FileSystem.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <string>
#include <vector>

using tessel::KernelClass;
using tessel::LatencyMeasurement;
using tessel::LatencyProfile;
using tessel::Layer;
using tessel::Network;
using tessel::OpKind;

namespace {

using Matrix = std::vector<std::vector<double>>;

std::vector<double> solve(const Matrix &a, const std::vector<double> &b) {
  llvm::Expected<std::vector<double>> x = tessel::solveNonNegativeLeastSquares(a, b);
  REQUIRE_MESSAGE(bool(x), llvm::toString(x.takeError()));
  return *x;
}

std::string solveError(const Matrix &a, const std::vector<double> &b) {
  llvm::Expected<std::vector<double>> x = tessel::solveNonNegativeLeastSquares(a, b);
  return x ? std::string() : llvm::toString(x.takeError());
}

} // namespace

TEST_CASE("NNLS recovers non-negative coefficients from exact data") {
  // Columns of very different scales, as work counts and call counts are.
  const std::vector<double> truth = {0.05, 2.0, 0.0, 150.0};
  Matrix a;
  std::vector<double> b;
  for (int i = 0; i < 12; ++i) {
    std::vector<double> row = {1e4 * (i + 1) * (i % 3 + 1), 100.0 * (12 - i), 8.0 + i % 5,
                               1.0 + (i * 7) % 4};
    double sum = 0;
    for (size_t j = 0; j < row.size(); ++j)
      sum += row[j] * truth[j];
    a.push_back(row);
    b.push_back(sum);
  }
  const std::vector<double> x = solve(a, b);
  REQUIRE(x.size() == truth.size());
  for (size_t j = 0; j < truth.size(); ++j)
    CHECK(x[j] == doctest::Approx(truth[j]).epsilon(1e-6));
}

TEST_CASE("NNLS clamps at zero where the unconstrained solution is negative") {
  // Unconstrained: x = (2, -1) fits exactly. With x >= 0 the best is x2 = 0
  // and x1 the least-squares fit of the first column alone.
  const Matrix a = {{1, 0}, {1, 1}, {1, 2}};
  const std::vector<double> b = {2, 1, 0};
  const std::vector<double> x = solve(a, b);
  CHECK(x[1] == 0.0);
  CHECK(x[0] == doctest::Approx(1.0)); // (2 + 1 + 0) / 3
  // All negative: zero.
  const std::vector<double> zero = solve({{1}, {2}}, {-1, -3});
  CHECK(zero[0] == 0.0);
}

TEST_CASE("NNLS gives a collinear column zero and still fits") {
  const Matrix a = {{1, 2}, {2, 4}, {3, 6}};
  const std::vector<double> b = {2, 4, 6};
  const std::vector<double> x = solve(a, b);
  CHECK(x[0] + 2 * x[1] == doctest::Approx(2.0));
  CHECK(x[0] >= 0);
  CHECK(x[1] >= 0);
}

TEST_CASE("NNLS rejects empty, ragged and non-finite input") {
  CHECK(solveError({}, {}).find("no equations") != std::string::npos);
  CHECK(solveError({{}}, {1}).find("no equations or no unknowns") != std::string::npos);
  CHECK(solveError({{1, 2}, {3}}, {1, 2}).find("row 1 has 1 entries") != std::string::npos);
  CHECK(solveError({{1}, {2}}, {1}).find("2 equations but 1") != std::string::npos);
  CHECK(solveError({{1}}, {std::nan("")}).find("not finite") != std::string::npos);
}

TEST_CASE("the latency fit recovers the figures behind exact times") {
  LatencyProfile truth;
  truth.cost(KernelClass::Conv3x3) = {0.04, 1.5, 30, 200};
  truth.cost(KernelClass::Copy) = {0.3, 0, 10, 100};
  LatencyProfile base;
  base.cost(KernelClass::Dense) = {7, 6, 5, 4}; // no measurement uses dense
  // Plans of conv3x3 calls of varied size, shape and count, each with a copy.
  std::vector<LatencyMeasurement> measured;
  for (int channels : {4, 16, 64})
    for (int tiles : {1, 4, 16, 64})
      for (int width : {8, 32}) {
        LatencyMeasurement m;
        m.name = "probe";
        const double pixels = 32.0 * width;
        m.features[size_t(KernelClass::Conv3x3)] = {pixels * channels * channels * 9, pixels,
                                                    32.0 * (tiles >= 4 ? tiles / 2 : 1),
                                                    double(tiles)};
        m.features[size_t(KernelClass::Copy)] = {pixels * channels, pixels, 32, 2};
        double ns = 0;
        for (int kind : {int(KernelClass::Conv3x3), int(KernelClass::Copy)}) {
          const tessel::KernelCost &c = truth.kernels[size_t(kind)];
          const auto &f = m.features[size_t(kind)];
          ns += c.nsPerWork * f[0] + c.nsPerPixel * f[1] + c.nsPerRow * f[2] + c.nsPerCall * f[3];
        }
        m.seconds = ns * 1e-9;
        measured.push_back(m);
      }
  llvm::Expected<LatencyProfile> fitted =
      tessel::fitLatencyProfile(measured, base, "test fit", /*priorWeight=*/0);
  REQUIRE_MESSAGE(bool(fitted), llvm::toString(fitted.takeError()));
  CHECK(fitted->source == "test fit");
  CHECK(fitted->calibrated);
  const tessel::KernelCost &conv = fitted->cost(KernelClass::Conv3x3);
  CHECK(conv.nsPerWork == doctest::Approx(0.04).epsilon(1e-6));
  CHECK(conv.nsPerPixel == doctest::Approx(1.5).epsilon(1e-6));
  CHECK(conv.nsPerRow == doctest::Approx(30).epsilon(1e-6));
  CHECK(conv.nsPerCall == doctest::Approx(200).epsilon(1e-6));
  const tessel::KernelCost &copy = fitted->cost(KernelClass::Copy);
  CHECK(copy.nsPerWork == doctest::Approx(0.3).epsilon(1e-6));
  CHECK(copy.nsPerPixel == doctest::Approx(0).epsilon(1e-6));
  // Copy's rows and calls are collinear here (32 rows, 2 calls in every
  // plan): only their sum is determined.
  CHECK(32 * copy.nsPerRow + 2 * copy.nsPerCall == doctest::Approx(32 * 10 + 2 * 100));
  const tessel::KernelCost &dense = fitted->cost(KernelClass::Dense);
  CHECK(dense.nsPerWork == 7);
  CHECK(dense.nsPerCall == 4);
}

TEST_CASE("the pull towards the base figures settles what the data cannot tell apart") {
  // Every measurement has one pixel, one row and one call per dense call:
  // only their sum is known, and the base figures decide the split.
  LatencyProfile base;
  base.cost(KernelClass::Dense) = {1, 10, 20, 30};
  std::vector<LatencyMeasurement> measured;
  for (double work : {1e3, 1e4, 1e5}) {
    LatencyMeasurement m;
    m.name = "dense";
    m.features[size_t(KernelClass::Dense)] = {work, 1, 1, 1};
    m.seconds = (0.5 * work + 120) * 1e-9; // half the base's work cost, twice its overhead
    measured.push_back(m);
  }
  llvm::Expected<LatencyProfile> fitted = tessel::fitLatencyProfile(measured, base, "");
  REQUIRE_MESSAGE(bool(fitted), llvm::toString(fitted.takeError()));
  const tessel::KernelCost &dense = fitted->cost(KernelClass::Dense);
  CHECK(dense.nsPerWork == doctest::Approx(0.5).epsilon(0.02));
  CHECK(dense.nsPerPixel + dense.nsPerRow + dense.nsPerCall == doctest::Approx(120).epsilon(0.05));
  // Each took a share, in the order of the base figures.
  CHECK(dense.nsPerPixel > 0);
  CHECK(dense.nsPerPixel < dense.nsPerRow);
  CHECK(dense.nsPerRow < dense.nsPerCall);
  // Without the pull, one of them would be zero.
  llvm::Expected<LatencyProfile> free = tessel::fitLatencyProfile(measured, base, "", 0);
  REQUIRE(bool(free));
  const tessel::KernelCost &loose = free->cost(KernelClass::Dense);
  CHECK(loose.nsPerPixel + loose.nsPerRow + loose.nsPerCall == doctest::Approx(120).epsilon(1e-6));
}

TEST_CASE("the latency fit rejects no measurements and times that are not positive") {
  const LatencyProfile base;
  llvm::Expected<LatencyProfile> none = tessel::fitLatencyProfile({}, base, "");
  REQUIRE_FALSE(bool(none));
  CHECK(llvm::toString(none.takeError()).find("no measurements") != std::string::npos);
  LatencyMeasurement zero;
  zero.name = "still";
  zero.features[size_t(KernelClass::Pool)] = {100, 10, 2, 1};
  llvm::Expected<LatencyProfile> bad = tessel::fitLatencyProfile({zero}, base, "");
  REQUIRE_FALSE(bool(bad));
  CHECK(llvm::toString(bad.takeError()).find("'still' has no positive time") != std::string::npos);
}

TEST_CASE("the latency fit recovers what a spilled byte costs") {
  // Conv3x3 plans, some of whose calls go beyond the cache: time = the
  // class's figures plus 0.25 ns per spilled byte.
  LatencyProfile truth;
  truth.cost(KernelClass::Conv3x3) = {0.05, 2, 20, 100};
  truth.nsPerSpilledByte = 0.25;
  std::vector<LatencyMeasurement> measured;
  for (int channels : {8, 16, 32})
    for (int side : {16, 64, 256})
      for (int tiles : {1, 4, 16}) {
        LatencyMeasurement m;
        m.name = "probe";
        const double pixels = double(side) * side;
        m.features[size_t(KernelClass::Conv3x3)] = {pixels * channels * channels * 9, pixels,
                                                    double(side) * (tiles > 1 ? 2 : 1),
                                                    double(tiles)};
        // `channels` in and out, 4 bytes each; 1 MiB of cache.
        const double bytesPerTile = pixels / tiles * channels * 8;
        m.spilledBytes = tiles * std::max(0.0, bytesPerTile - 1048576.0);
        const auto &f = m.features[size_t(KernelClass::Conv3x3)];
        const tessel::KernelCost &c = truth.cost(KernelClass::Conv3x3);
        m.seconds = 1e-9 * (c.nsPerWork * f[0] + c.nsPerPixel * f[1] + c.nsPerRow * f[2] +
                            c.nsPerCall * f[3] + truth.nsPerSpilledByte * m.spilledBytes);
        measured.push_back(m);
      }
  // 16 channels, 256x256: 8 MiB whole, 512 KiB in each of 16 tiles.
  REQUIRE(measured[9 + 6].spilledBytes > 7.0e6);
  REQUIRE(measured[9 + 8].spilledBytes == 0);
  llvm::Expected<LatencyProfile> fitted =
      tessel::fitLatencyProfile(measured, LatencyProfile{}, "spill fit", /*priorWeight=*/0);
  REQUIRE_MESSAGE(bool(fitted), llvm::toString(fitted.takeError()));
  CHECK(fitted->nsPerSpilledByte == doctest::Approx(0.25).epsilon(1e-6));
  CHECK(fitted->cost(KernelClass::Conv3x3).nsPerWork == doctest::Approx(0.05).epsilon(1e-6));
  // Without spilling measurements the figure stays the base's.
  for (LatencyMeasurement &m : measured)
    m.spilledBytes = 0;
  LatencyProfile base;
  base.nsPerSpilledByte = 0.125;
  llvm::Expected<LatencyProfile> kept = tessel::fitLatencyProfile(measured, base, "kept");
  REQUIRE(bool(kept));
  CHECK(kept->nsPerSpilledByte == 0.125);
}

TEST_CASE("a call's footprint: what its region reads of each input and writes") {
  Network net;
  Layer input;
  input.name = "input";
  input.op = OpKind::Input;
  input.output = {8, 64, 64};
  net.layers.push_back(input);
  Layer sum;
  sum.name = "sum";
  sum.op = OpKind::Add;
  sum.inputs = {0, 0};
  sum.output = {8, 64, 64};
  net.layers.push_back(sum);
  // Rows [0, 16) of all 64 columns: 16 x 64 x 8 floats, read twice and written once.
  const tessel::OperationFeatures f = tessel::kernelFeatures(net, 1, {0, 16, 0, 64});
  CHECK(f.footprintBytes == 3 * 16 * 64 * 8 * 4);
  LatencyProfile profile;
  profile.cacheBytes = 65536;
  CHECK(tessel::spilledBytes(f, profile) == 3 * 16 * 64 * 8 * 4 - 65536);
  profile.cacheBytes = 1 << 20;
  CHECK(tessel::spilledBytes(f, profile) == 0);
}

TEST_CASE("the probes load, lower under each schedule and use every kernel class") {
  for (bool quick : {false, true}) {
    INFO("quick: " << quick);
    std::set<std::string> names, classes;
    size_t variants = 0;
    int spilling = 0;
    for (const tessel::CalibrationProbe &probe : tessel::calibrationProbes(quick)) {
      INFO(probe.name);
      CHECK(names.insert(probe.name).second);
      llvm::SmallString<128> path;
      REQUIRE_FALSE(llvm::sys::fs::createTemporaryFile("probe", "yaml", path));
      {
        std::ofstream file(path.c_str());
        file << probe.description;
      }
      llvm::Expected<tessel::Network> loaded = tessel::loadNetwork(path.str().str());
      llvm::sys::fs::remove(path);
      REQUIRE_MESSAGE(bool(loaded), llvm::toString(loaded.takeError()));
      tessel::Network net = tessel::normalize(*loaded);
      REQUIRE_FALSE(probe.schedules.empty());
      for (const std::string &text : probe.schedules) {
        INFO(text);
        llvm::Expected<tessel::ExecutionPlan> plan = tessel::planScheduleText(text, net);
        REQUIRE_MESSAGE(bool(plan), llvm::toString(plan.takeError()));
        for (const tessel::Operation &op : plan->operations)
          if (std::optional<tessel::OperationFeatures> f = tessel::featuresOf(net, op))
            classes.insert(tessel::kernelClassName(f->kind));
        const double spilled = tessel::planSpilledBytes(net, *plan, LatencyProfile{});
        spilling += probe.name.rfind("spill_", 0) == 0 && text.empty() && spilled > 0;
        ++variants;
      }
    }
    CHECK(classes.size() == size_t(tessel::kKernelClassCount));
    // The full set has variants that spill beyond the default 1 MiB cache
    // (streamed, the same probes spill less), so that ns_per_spilled_byte
    // can be fitted.
    CHECK((quick || spilling > 0));
    CHECK(variants >= (quick ? 20u : 80u));
  }
  CHECK(tessel::scheduleLabel("") == "layers");
  CHECK(tessel::scheduleLabel("0:tile8x1") == "tile8x1");
  CHECK(tessel::scheduleLabel("0-1:stream4") == "stream4");
  CHECK(tessel::scheduleLabel("; winograd4: 0") == "layers_winograd4");
  CHECK(tessel::scheduleLabel("0:tile4x4; winograd2: 0") == "tile4x4_winograd2");
}
