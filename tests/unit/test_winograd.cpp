// The Winograd convolution (tessel/winograd.h) against a double-precision
// reference convolution, its weight transform against G g G^T, and its
// contracts: bit-identical values whatever Region, window or chunk size
// computes them, no write outside the Region or the declared workspace, no
// read outside winogradInputWindow.
#include "tessel/winograd.h"

#include "kernel_test_random.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using tessel::Act;
using tessel::ConstMapView;
using tessel::MapView;
using tessel::Region;

using Random = tessel::testing::KernelRandom;
using tessel::testing::randomPartition;

// The activations 3x3 convolutions use.
constexpr Act kConvActs[] = {Act::Linear, Act::Relu, Act::Leaky, Act::Relu6};

std::string actName(Act a) {
  switch (a) {
  case Act::Linear: return "linear";
  case Act::Relu: return "relu";
  case Act::Relu6: return "relu6";
  case Act::Leaky: return "leaky";
  default: return "?";
  }
}

double refActivate(Act a, double x, double alpha) {
  switch (a) {
  case Act::Relu: return x < 0 ? 0 : x;
  case Act::Relu6: return x < 0 ? 0 : (x > 6 ? 6 : x);
  case Act::Leaky: return x < 0 ? alpha * x : x;
  default: return x;
  }
}

// A 3x3, stride-1 convolution: channels, input map, padding on each side.
struct Case {
  int inC, outC, h, w;
  int padT, padL, padB, padR;
  int outH() const { return h + padT + padB - 2; }
  int outW() const { return w + padL + padR - 2; }
  tessel::Conv2dParams params(float alpha) const {
    return tessel::Conv2dParams{inC, outC, 3, 3, 1, 1, 1, 1, 1, padT, padL, alpha};
  }
  std::string describe() const {
    return std::to_string(inC) + "->" + std::to_string(outC) + " on " + std::to_string(h) + "x" +
           std::to_string(w) + " pad " + std::to_string(padT) + "," + std::to_string(padL) + "," +
           std::to_string(padB) + "," + std::to_string(padR);
  }
};

// Everything one case needs: HWC input, OIHW weights and conv2d's packing.
struct Data {
  std::vector<float> in, oihw, packed, bias;
};

Data makeData(const Case &k, Random &rng) {
  Data d;
  d.in = rng.vector(size_t(k.h) * k.w * k.inC);
  d.oihw = rng.vector(size_t(k.outC) * k.inC * 9);
  d.packed.assign(d.oihw.size(), std::numeric_limits<float>::quiet_NaN());
  for (int co = 0; co < k.outC; ++co)
    for (int ci = 0; ci < k.inC; ++ci)
      for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx)
          d.packed[size_t(tessel::convWeightIndex(3, 3, k.inC, k.outC, 0, ky, kx, ci, co))] =
              d.oihw[((size_t(co) * k.inC + ci) * 3 + ky) * 3 + kx];
  d.bias = rng.vector(size_t(k.outC));
  return d;
}

// The convolution in double, HWC out; padding adds nothing.
std::vector<double> reference(const Case &k, const Data &d, const float *bias, Act act,
                              double alpha) {
  const int outH = k.outH(), outW = k.outW();
  std::vector<double> out(size_t(outH) * outW * k.outC);
  for (int oy = 0; oy < outH; ++oy)
    for (int ox = 0; ox < outW; ++ox)
      for (int co = 0; co < k.outC; ++co) {
        double sum = bias ? double(bias[co]) : 0.0;
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            const int iy = oy - k.padT + ky, ix = ox - k.padL + kx;
            if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w)
              continue;
            const float *x = &d.in[(size_t(iy) * k.w + ix) * k.inC];
            for (int ci = 0; ci < k.inC; ++ci)
              sum += double(x[ci]) * double(d.oihw[((size_t(co) * k.inC + ci) * 3 + ky) * 3 + kx]);
          }
        out[(size_t(oy) * outW + ox) * k.outC + co] = refActivate(act, sum, alpha);
      }
  return out;
}

// conv2dWinograd<m, act>.
void runWinograd(int m, Act act, const tessel::Conv2dParams &p, const float *weights,
                 const float *bias, ConstMapView in, MapView out, Region r, float *workspace,
                 int chunkTiles) {
  const auto run = [&](auto a) {
    constexpr Act kAct = decltype(a)::value;
    if (m == 2)
      tessel::conv2dWinograd<2, kAct>(p, weights, bias, in, out, r, workspace, chunkTiles);
    else
      tessel::conv2dWinograd<4, kAct>(p, weights, bias, in, out, r, workspace, chunkTiles);
  };
  switch (act) {
  case Act::Linear: run(std::integral_constant<Act, Act::Linear>{}); break;
  case Act::Relu: run(std::integral_constant<Act, Act::Relu>{}); break;
  case Act::Relu6: run(std::integral_constant<Act, Act::Relu6>{}); break;
  case Act::Leaky: run(std::integral_constant<Act, Act::Leaky>{}); break;
  default: FAIL("no 3x3 convolution uses this activation in the tests");
  }
}

// A buffer with `guard` floats of a sentinel on either side of `size` floats.
struct Guarded {
  static constexpr size_t kGuard = 64;
  std::vector<float> data;
  float sentinel;
  Guarded(size_t size, float s) : data(size + 2 * kGuard, s), sentinel(s) {}
  float *get() { return data.data() + kGuard; }
  bool guardsIntact(size_t size) const {
    for (size_t i = 0; i < kGuard; ++i)
      if (std::memcmp(&data[i], &sentinel, sizeof(float)) != 0 ||
          std::memcmp(&data[kGuard + size + i], &sentinel, sizeof(float)) != 0)
        return false;
    return true;
  }
};

// Computes region r into a view `out` (whose buffer may be larger than r),
// reading a copy of `window` (cells of the map) surrounded by NaN guards, so
// that a read outside the window turns into NaN outputs or a wrong value.
// Checks the workspace guards.
void computeRegion(const Case &k, const Data &d, int m, Act act, const float *weights,
                   const float *bias, Region window, MapView out, Region r, int chunkTiles) {
  const tessel::Conv2dParams p = k.params(0.1f);
  const int wh = window.height(), ww = window.width();
  const size_t inSize = size_t(std::max(0, wh)) * std::max(0, ww) * k.inC;
  Guarded in(inSize, std::numeric_limits<float>::quiet_NaN());
  for (int y = 0; y < wh; ++y)
    std::memcpy(in.get() + size_t(y) * ww * k.inC,
                &d.in[(size_t(window.y0 + y) * k.w + window.x0) * k.inC],
                sizeof(float) * size_t(ww) * k.inC);
  const ConstMapView view{in.get(), k.inC, k.h, k.w, window.y0, window.x0, wh, ww};
  const size_t workspaceSize = size_t(tessel::winogradWorkspaceFloats(p, m, r, chunkTiles));
  Guarded workspace(workspaceSize, -7777.0f);
  runWinograd(m, act, p, weights, bias, view, out, r, workspace.get(), chunkTiles);
  REQUIRE_MESSAGE(workspace.guardsIntact(workspaceSize),
                  "kernel wrote outside its workspace of " << workspaceSize << " floats");
}

// The whole map at once, with the minimal window and default chunks.
std::vector<float> computeWhole(const Case &k, const Data &d, int m, Act act, const float *weights,
                                const float *bias, int chunkTiles = tessel::kWinogradChunkTiles) {
  const int outH = k.outH(), outW = k.outW();
  Guarded out(size_t(outH) * outW * k.outC, -12345.0f);
  const Region all{0, outH, 0, outW};
  const Region window = tessel::winogradInputWindow(k.params(0.1f), m, all, k.h, k.w);
  CHECK(window.y0 == 0);
  CHECK(window.x0 == 0);
  computeRegion(k, d, m, act, weights, bias, window,
                tessel::wholeMap<float>(out.get(), k.outC, outH, outW), all, chunkTiles);
  REQUIRE_MESSAGE(out.guardsIntact(size_t(outH) * outW * k.outC), "kernel wrote past the map");
  return std::vector<float>(out.get(), out.get() + size_t(outH) * outW * k.outC);
}

std::vector<float> transformed(const Case &k, const Data &d, int m) {
  std::vector<float> u(size_t(tessel::winogradWeightFloats(k.params(0.1f), m)),
                       std::numeric_limits<float>::quiet_NaN());
  tessel::winogradTransformWeights(k.params(0.1f), m, d.packed.data(), u.data());
  for (float x : u)
    REQUIRE(std::isfinite(x)); // every element written
  return u;
}

// Largest |got - ref| over the largest |ref| (1 when the output is all zero).
double relativeError(const std::vector<float> &got, const std::vector<double> &ref) {
  REQUIRE(got.size() == ref.size());
  double maxAbs = 0, maxErr = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    maxAbs = std::max(maxAbs, std::fabs(ref[i]));
    const double err = std::fabs(double(got[i]) - ref[i]);
    maxErr = std::isnan(err) ? std::numeric_limits<double>::infinity() : std::max(maxErr, err);
  }
  return maxErr / (maxAbs > 0 ? maxAbs : 1.0);
}

// Measured on this file's cases (unit-scale data, up to 64 input channels),
// with and without FMA (SSE2, AVX2, AVX-512): F(2x2) within 1.6e-6 of the
// largest output, F(4x4) within 2.4e-5 (its transforms' constants, up to 8
// and 1/24, amplify rounding); conv2d within 1e-6. The F(4x4) bound leaves a
// factor of 2.
constexpr double kBound2 = 1e-4;
constexpr double kBound4 = 5e-5;

// Channel counts around the vector widths (1, 4, 8, 16 lanes) and the
// 32-channel weight blocks.
constexpr int kChannels[] = {1, 3, 7, 17, 33, 64};

Case randomCase(Random &rng) {
  Case k{};
  k.inC = kChannels[rng.range(0, 5)];
  k.outC = kChannels[rng.range(0, 5)];
  const int pad = rng.range(0, 1);
  k.padT = k.padL = k.padB = k.padR = pad;
  if (rng.range(0, 4) == 0) { // asymmetric, up to 2
    k.padT = rng.range(0, 2);
    k.padL = rng.range(0, 2);
    k.padB = rng.range(0, 2);
    k.padR = rng.range(0, 2);
  }
  k.h = rng.range(1, 14);
  k.w = rng.range(1, 17);
  while (k.outH() < 1)
    ++k.h;
  while (k.outW() < 1)
    ++k.w;
  return k;
}

std::vector<Region> rowByRow(int h, int w) {
  std::vector<Region> parts;
  for (int y = 0; y < h; ++y)
    parts.push_back(Region{y, y + 1, 0, w});
  return parts;
}

// Computes `parts` one by one, each into its own buffer (the part plus a
// random margin of sentinels) from a window of the input (the minimal one, or
// widened by up to two cells), assembles them and expects `full` byte for
// byte, and the sentinels around each part untouched.
void expectSameBytes(const Case &k, const Data &d, int m, Act act, const float *weights,
                     const float *bias, const std::vector<float> &full,
                     const std::vector<Region> &parts, Random &rng, int chunkTiles,
                     bool widenWindows) {
  const int outH = k.outH(), outW = k.outW();
  std::vector<float> assembled(full.size(), std::numeric_limits<float>::quiet_NaN());
  const float sentinel = -12345.0f;
  for (const Region &r : parts) {
    const int ylo = std::max(0, r.y0 - rng.range(0, 2)),
              yhi = std::min(outH, r.y1 + rng.range(0, 2));
    const int xlo = std::max(0, r.x0 - rng.range(0, 2)),
              xhi = std::min(outW, r.x1 + rng.range(0, 2));
    const size_t size = size_t(yhi - ylo) * (xhi - xlo) * k.outC;
    Guarded buffer(size, sentinel);
    const MapView out{buffer.get(), k.outC, outH, outW, ylo, xlo, yhi - ylo, xhi - xlo};
    Region window = tessel::winogradInputWindow(k.params(0.1f), m, r, k.h, k.w);
    if (widenWindows && window.height() > 0 && window.width() > 0) {
      window.y0 = std::max(0, window.y0 - rng.range(0, 2));
      window.y1 = std::min(k.h, window.y1 + rng.range(0, 2));
      window.x0 = std::max(0, window.x0 - rng.range(0, 2));
      window.x1 = std::min(k.w, window.x1 + rng.range(0, 2));
    }
    computeRegion(k, d, m, act, weights, bias, window, out, r, chunkTiles);
    REQUIRE(buffer.guardsIntact(size));
    for (int y = ylo; y < yhi; ++y)
      for (int x = xlo; x < xhi; ++x) {
        const float *cell = out.at(y, x);
        if (y >= r.y0 && y < r.y1 && x >= r.x0 && x < r.x1) {
          std::memcpy(&assembled[(size_t(y) * outW + x) * k.outC], cell, sizeof(float) * k.outC);
        } else {
          for (int c = 0; c < k.outC; ++c)
            REQUIRE_MESSAGE(std::memcmp(&cell[c], &sentinel, sizeof(float)) == 0,
                            "kernel wrote outside its region");
        }
      }
  }
  REQUIRE(std::memcmp(assembled.data(), full.data(), sizeof(float) * full.size()) == 0);
}

} // namespace

TEST_CASE("winogradTransformWeights is G g G^T, per position a packed 1x1 weight") {
  // The standard G of F(2x2, 3x3) and F(4x4, 3x3) (Lavin & Gray).
  const double g2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  const double g4[6][3] = {{1.0 / 4, 0, 0},
                           {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                           {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                           {1.0 / 24, 1.0 / 12, 1.0 / 6},
                           {1.0 / 24, -1.0 / 12, 1.0 / 6},
                           {0, 0, 1}};
  Random rng(3);
  const Case k{5, 37, 4, 4, 1, 1, 1, 1}; // two weight blocks: 32 + 5
  const Data d = makeData(k, rng);
  for (int m : {2, 4}) {
    CAPTURE(m);
    const int a = m + 2;
    CHECK(tessel::winogradPositions(m) == a * a);
    CHECK(tessel::winogradWeightFloats(k.params(0.1f), m) == long(a) * a * 5 * 37);
    const std::vector<float> u = transformed(k, d, m);
    double worst = 0;
    for (int co = 0; co < k.outC; ++co)
      for (int ci = 0; ci < k.inC; ++ci)
        for (int i = 0; i < a; ++i)
          for (int j = 0; j < a; ++j) {
            double expected = 0;
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx)
                expected += (m == 2 ? g2[i][ky] : g4[i][ky]) *
                            d.oihw[((size_t(co) * k.inC + ci) * 3 + ky) * 3 + kx] *
                            (m == 2 ? g2[j][kx] : g4[j][kx]);
            // The documented layout, spelled out: position, then blocks of 32
            // output channels of [inC][width].
            const int blockStart = co / 32 * 32, width = std::min(32, k.outC - blockStart);
            const size_t index = (size_t(i) * a + j) * k.inC * k.outC + size_t(blockStart) * k.inC +
                                 size_t(ci) * width + (co - blockStart);
            CHECK(index == size_t((i * a + j) * k.inC * k.outC +
                                  tessel::convWeightIndex(1, 1, k.inC, k.outC, 0, 0, 0, ci, co)));
            worst = std::max(worst, std::fabs(u[index] - expected));
          }
    CHECK(worst <= 1e-6); // weights in [-1, 1]: float rounding of the exact value
  }
}

TEST_CASE("winogradInputWindow and winogradWorkspaceFloats") {
  const tessel::Conv2dParams p{8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0.1f};
  CHECK(tessel::winogradApplies(p));
  tessel::Conv2dParams strided = p;
  strided.strideW = 2;
  CHECK_FALSE(tessel::winogradApplies(strided));
  // Output row 5 of a 20x20 map, columns 3..9: 4x4 tiles rows 4..7, columns
  // 0..11, reading input rows 3..9 and columns -1..12 (pad 1), clamped.
  const Region r{5, 6, 3, 10};
  const Region w4 = tessel::winogradInputWindow(p, 4, r, 20, 20);
  CHECK(w4.y0 == 3);
  CHECK(w4.y1 == 9);
  CHECK(w4.x0 == 0);
  CHECK(w4.x1 == 13);
  // 2x2 tiles: rows 4..5, columns 2..9: input rows 3..6, columns 1..10.
  const Region w2 = tessel::winogradInputWindow(p, 2, r, 20, 20);
  CHECK(w2.y0 == 3);
  CHECK(w2.y1 == 7);
  CHECK(w2.x0 == 1);
  CHECK(w2.x1 == 11);
  // Workspace: per position, a [tile][inC] and a [tile][outC] slab for at
  // most one chunk of tiles, whatever the map's size, each rounded up to an
  // odd number of 16-float lines.
  // 3 tiles: 24 floats -> 3 lines, 48 floats -> 3 lines; 36 positions.
  CHECK(tessel::winogradWorkspaceFloats(p, 4, r, 32) == 36 * (48 + 48));
  // 4 tiles: 32 floats -> 3 lines, 64 -> 5 lines; 16 positions.
  CHECK(tessel::winogradWorkspaceFloats(p, 2, r, 32) == 16 * (48 + 80));
  // 32 tiles: 256 floats -> 17 lines, 512 -> 33 lines.
  CHECK(tessel::winogradWorkspaceFloats(p, 4, Region{0, 608, 0, 608}, 32) == 36 * (272 + 528));
  // 7 tiles: 56 floats -> 5 lines, 112 -> 7 lines.
  CHECK(tessel::winogradWorkspaceFloats(p, 4, Region{0, 608, 0, 608}, 7) == 36 * (80 + 112));
  CHECK(tessel::winogradWorkspaceFloats(p, 4, Region{3, 3, 0, 5}, 32) == 0);
}

TEST_CASE("conv2dWinograd matches a double-precision reference") {
  // inC, outC, h, w, padT, padL, padB, padR
  std::vector<Case> cases = {
      {3, 32, 19, 21, 1, 1, 1, 1},  // first layer, odd map
      {64, 64, 13, 12, 1, 1, 1, 1}, // full vectors and blocks
      {33, 17, 9, 10, 0, 0, 0, 0},  // no padding, remainders everywhere
      {7, 33, 1, 1, 1, 1, 1, 1},    // 1x1 map: a single tile of padding around
      {17, 7, 2, 3, 1, 1, 1, 1},    // smaller than a tile
      {1, 1, 5, 5, 0, 0, 0, 0},     // one channel, 3x3 output
      {1, 64, 8, 8, 2, 0, 1, 2},    // asymmetric padding
      {64, 1, 3, 3, 0, 0, 0, 0},    // a single output cell
  };
  Random shapes(11);
  for (int i = 0; i < 24; ++i)
    cases.push_back(randomCase(shapes));
  double directWorst = 0; // conv2d on the same cases, for comparison
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case &k = cases[i];
    Random rng(100 + i);
    const Data d = makeData(k, rng);
    std::vector<float> got(size_t(k.outH()) * k.outW() * k.outC);
    tessel::conv2d<Act::Linear>(k.params(0.1f), d.packed.data(), d.bias.data(),
                                tessel::wholeMap<const float>(d.in.data(), k.inC, k.h, k.w),
                                tessel::wholeMap<float>(got.data(), k.outC, k.outH(), k.outW()),
                                Region{0, k.outH(), 0, k.outW()});
    directWorst =
        std::max(directWorst, relativeError(got, reference(k, d, d.bias.data(), Act::Linear, 0.1)));
  }
  MESSAGE("conv2d (direct), linear: max |error| / max |output| = " << directWorst);
  for (int m : {2, 4}) {
    double worst = 0;
    std::string worstCase;
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case &k = cases[i];
      Random rng(100 + i);
      const Data d = makeData(k, rng);
      const std::vector<float> u = transformed(k, d, m);
      for (Act act : kConvActs) {
        for (bool withBias : {true, false}) {
          INFO("F(" << m << "x" << m << ") " << k.describe() << " " << actName(act)
                    << std::string(withBias ? "" : " no bias"));
          const float *bias = withBias ? d.bias.data() : nullptr;
          const std::vector<float> got = computeWhole(k, d, m, act, u.data(), bias);
          const double err = relativeError(got, reference(k, d, bias, act, 0.1));
          CHECK(err <= (m == 2 ? kBound2 : kBound4));
          if (err > worst) {
            worst = err;
            worstCase = k.describe() + " " + actName(act);
          }
        }
      }
    }
    MESSAGE("F(" << m << "x" << m << ", 3x3): max |error| / max |output| = " << worst << " ("
                 << worstCase << "), bound " << (m == 2 ? kBound2 : kBound4));
  }
}

TEST_CASE("conv2dWinograd: the same bytes for every region, window and chunk size") {
  std::vector<Case> cases = {
      {3, 32, 19, 21, 1, 1, 1, 1},
      {33, 17, 10, 9, 0, 0, 0, 0},
      {17, 40, 11, 14, 1, 1, 1, 1},
      {8, 8, 7, 13, 2, 1, 0, 2},
  };
  Random shapes(21);
  for (int i = 0; i < 6; ++i)
    cases.push_back(randomCase(shapes));
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case &k = cases[i];
    Random rng(200 + i);
    const Data d = makeData(k, rng);
    const Act act = kConvActs[i % 4];
    for (int m : {2, 4}) {
      INFO("F(" << m << "x" << m << ") " << k.describe() << " " << actName(act));
      const std::vector<float> u = transformed(k, d, m);
      const std::vector<float> full = computeWhole(k, d, m, act, u.data(), d.bias.data());
      // Chunks of one tile, of a few, of all: the same bytes.
      for (int chunk : {1, 3, 1000})
        REQUIRE(std::memcmp(computeWhole(k, d, m, act, u.data(), d.bias.data(), chunk).data(),
                            full.data(), sizeof(float) * full.size()) == 0);
      expectSameBytes(k, d, m, act, u.data(), d.bias.data(), full, rowByRow(k.outH(), k.outW()),
                      rng, tessel::kWinogradChunkTiles, false);
      for (int trial = 0; trial < 4; ++trial)
        expectSameBytes(k, d, m, act, u.data(), d.bias.data(), full,
                        randomPartition(rng, k.outH(), k.outW()), rng, rng.range(1, 40),
                        trial % 2 == 1);
    }
  }
}
