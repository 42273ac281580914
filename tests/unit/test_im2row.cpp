// The im2row + GEMM convolution (tessel/im2row.h) against the direct conv2d
// and its contracts: the direct kernel's values (its sum in its order, the
// padding taps adding zeros), the same bytes whatever Region, input window
// or chunk size computes them, no write outside the Region or the declared
// workspace.
#include "tessel/im2row.h"

#include "kernel_test_random.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace {

using tessel::Act;
using tessel::ConstMapView;
using tessel::MapView;
using tessel::Region;
using Random = tessel::testing::KernelRandom;

// A convolution: channels, groups, input map, kernel, stride, dilation and
// padding on each side.
struct Case {
  int inC, outC, groups, h, w;
  int kernel, stride, dilation;
  int padT, padL, padB, padR;
  int span() const { return (kernel - 1) * dilation + 1; }
  int outH() const { return (h + padT + padB - span()) / stride + 1; }
  int outW() const { return (w + padL + padR - span()) / stride + 1; }
  tessel::Conv2dParams params() const {
    return tessel::Conv2dParams{inC,      outC,     kernel, kernel, stride, stride,
                                dilation, dilation, groups, padT,   padL,   0.1f};
  }
  std::string describe() const {
    return std::to_string(inC) + "->" + std::to_string(outC) + " /" + std::to_string(groups) +
           " on " + std::to_string(h) + "x" + std::to_string(w) + " k" + std::to_string(kernel) +
           " s" + std::to_string(stride) + " d" + std::to_string(dilation) + " pad " +
           std::to_string(padT) + "," + std::to_string(padL) + "," + std::to_string(padB) + "," +
           std::to_string(padR);
  }
};

Case randomCase(Random &rng) {
  for (;;) {
    Case k{};
    k.groups = rng.range(1, 3);
    k.inC = k.groups * rng.range(2, 12);
    k.outC = k.groups * rng.range(1, 24);
    k.h = rng.range(1, 20);
    k.w = rng.range(1, 20);
    k.kernel = rng.range(1, 5);
    k.stride = rng.range(1, 3);
    k.dilation = rng.range(1, 2);
    k.padT = rng.range(0, 3);
    k.padL = rng.range(0, 3);
    k.padB = rng.range(0, 3);
    k.padR = rng.range(0, 3);
    if (k.h + k.padT + k.padB >= k.span() && k.w + k.padL + k.padR >= k.span())
      return k;
  }
}

struct Data {
  std::vector<float> in, packed, bias;
};

Data makeData(const Case &k, Random &rng) {
  return Data{rng.vector(size_t(k.h) * k.w * k.inC),
              rng.vector(size_t(k.kernel) * k.kernel * (k.inC / k.groups) * k.outC),
              rng.vector(size_t(k.outC))};
}

// Output cells no kernel wrote keep this pattern.
constexpr float kUntouched = -12345.0f;

// Rows and columns of the input conv2d reads for output region r.
Region inputWindow(const Case &k, Region r) {
  const auto clamp = [](int v, int size) { return v < 0 ? 0 : (v > size ? size : v); };
  Region w{
      clamp(r.y0 * k.stride - k.padT, k.h), clamp((r.y1 - 1) * k.stride - k.padT + k.span(), k.h),
      clamp(r.x0 * k.stride - k.padL, k.w), clamp((r.x1 - 1) * k.stride - k.padL + k.span(), k.w)};
  w.y1 = w.y1 < w.y0 ? w.y0 : w.y1;
  w.x1 = w.x1 < w.x0 ? w.x0 : w.x1;
  return w;
}

// The whole output with the direct kernel.
std::vector<float> direct(const Case &k, const Data &d) {
  std::vector<float> out(size_t(k.outH()) * k.outW() * k.outC, kUntouched);
  const tessel::Conv2dParams p = k.params();
  tessel::conv2d<Act::Leaky>(p, d.packed.data(), d.bias.data(),
                             tessel::wholeMap<const float>(d.in.data(), k.inC, k.h, k.w),
                             tessel::wholeMap<float>(out.data(), k.outC, k.outH(), k.outW()),
                             Region{0, k.outH(), 0, k.outW()});
  return out;
}

// The output computed region by region with im2row, each call given only
// the input window it reads (copied into a buffer of its own) and a
// workspace of exactly the declared size followed by a guard zone that must
// stay untouched.
std::vector<float> byRegions(const Case &k, const Data &d, const std::vector<Region> &regions,
                             int chunkPixels) {
  const tessel::Conv2dParams p = k.params();
  std::vector<float> out(size_t(k.outH()) * k.outW() * k.outC, kUntouched);
  const MapView outView = tessel::wholeMap<float>(out.data(), k.outC, k.outH(), k.outW());
  for (const Region &r : regions) {
    const Region w = inputWindow(k, r);
    std::vector<float> window(size_t(w.height()) * w.width() * k.inC + 1);
    for (int y = w.y0; y < w.y1; ++y)
      for (int x = w.x0; x < w.x1; ++x)
        std::memcpy(&window[(size_t(y - w.y0) * w.width() + (x - w.x0)) * k.inC],
                    &d.in[(size_t(y) * k.w + x) * k.inC], sizeof(float) * k.inC);
    const ConstMapView in{window.data(), k.inC, k.h, k.w, w.y0, w.x0, w.height(), w.width()};
    const long floats = tessel::im2rowWorkspaceFloats(p, r, chunkPixels);
    constexpr int kGuard = 64;
    std::vector<float> workspace(size_t(floats) + kGuard, kUntouched);
    tessel::conv2dIm2row<Act::Leaky>(p, d.packed.data(), d.bias.data(), in, outView, r,
                                     workspace.data(), chunkPixels);
    for (int g = 0; g < kGuard; ++g)
      REQUIRE(workspace[size_t(floats + g)] == kUntouched);
  }
  return out;
}

std::vector<Region> wholeMap(const Case &k) {
  return {Region{0, k.outH(), 0, k.outW()}};
}

} // namespace

TEST_CASE("im2rowApplies: every convolution but a depthwise one") {
  tessel::Conv2dParams p{8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0.0f};
  CHECK(tessel::im2rowApplies(p));
  p.groups = 4; // two input channels per group
  CHECK(tessel::im2rowApplies(p));
  p.groups = 8; // depthwise
  CHECK_FALSE(tessel::im2rowApplies(p));
  p.groups = 1;
  p.kernelH = p.kernelW = 7;
  p.strideH = p.strideW = 2;
  CHECK(tessel::im2rowApplies(p));
}

TEST_CASE("im2rowWorkspaceFloats: one chunk's patch matrix") {
  const tessel::Conv2dParams p{3, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0.0f};
  CHECK(tessel::im2rowRowFloats(p) == 27);
  // 10 x 10 pixels in chunks of 40: one chunk of 40 rows of 27 floats.
  CHECK(tessel::im2rowWorkspaceFloats(p, Region{0, 10, 0, 10}, 40) == 40 * 27);
  // A region smaller than a chunk holds only its own pixels.
  CHECK(tessel::im2rowWorkspaceFloats(p, Region{2, 4, 0, 3}, 40) == 6 * 27);
  CHECK(tessel::im2rowWorkspaceFloats(p, Region{2, 2, 0, 3}, 40) == 0);
  // The default chunk fills kIm2rowChunkBytes, and at least two pixel blocks.
  CHECK(tessel::im2rowChunkPixels(p) == int(tessel::kIm2rowChunkBytes / (27 * 4)));
  const tessel::Conv2dParams wide{1024, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0.0f};
  CHECK(tessel::im2rowChunkPixels(wide) >= 2 * tessel::detail::kConvPixelBlock);
}

TEST_CASE("conv2dIm2row computes the direct kernel's values") {
  std::vector<Case> cases = {
      {3, 32, 1, 19, 21, 3, 1, 1, 1, 1, 1, 1}, // a first layer
      {3, 20, 1, 23, 17, 7, 2, 1, 3, 3, 3, 3}, // resnet's, with a remainder block
      {16, 40, 1, 9, 11, 1, 1, 1, 0, 0, 0, 0}, // 1x1
      {12, 18, 3, 10, 9, 3, 2, 2, 2, 1, 0, 2}, // groups, stride, dilation
  };
  Random shapes(7);
  for (int i = 0; i < 12; ++i)
    cases.push_back(randomCase(shapes));
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case &k = cases[i];
    INFO(k.describe());
    Random rng(100 + i);
    const Data d = makeData(k, rng);
    const std::vector<float> expected = direct(k, d);
    const std::vector<float> actual =
        byRegions(k, d, wholeMap(k), tessel::im2rowChunkPixels(k.params()));
    size_t differing = 0;
    for (size_t j = 0; j < expected.size(); ++j)
      differing += actual[j] == expected[j] ? 0 : 1; // +0 == -0: padding taps add zeros
    CHECK(differing == 0);
  }
}

TEST_CASE("conv2dIm2row: the same bytes for every region, window and chunk size") {
  Random shapes(31);
  for (int i = 0; i < 10; ++i) {
    const Case k = randomCase(shapes);
    INFO(k.describe());
    Random rng(300 + i);
    const Data d = makeData(k, rng);
    const std::vector<float> full =
        byRegions(k, d, wholeMap(k), tessel::im2rowChunkPixels(k.params()));
    for (int trial = 0; trial < 4; ++trial) {
      const int chunk = trial == 0 ? 1 : rng.range(2, 40);
      CAPTURE(chunk);
      const std::vector<float> parts =
          byRegions(k, d, tessel::testing::randomPartition(rng, k.outH(), k.outW()), chunk);
      REQUIRE(std::memcmp(parts.data(), full.data(), sizeof(float) * full.size()) == 0);
    }
    // A region leaves the cells around it alone.
    if (k.outH() > 2 && k.outW() > 2) {
      const Region inner{1, k.outH() - 1, 1, k.outW() - 1};
      const std::vector<float> part = byRegions(k, d, {inner}, 5);
      for (int y = 0; y < k.outH(); ++y)
        for (int x = 0; x < k.outW(); ++x) {
          const bool inside = y >= inner.y0 && y < inner.y1 && x >= inner.x0 && x < inner.x1;
          const size_t at = (size_t(y) * k.outW() + x) * k.outC;
          for (int c = 0; c < k.outC; ++c)
            REQUIRE((inside ? part[at + c] == full[at + c] : part[at + c] == kUntouched));
        }
    }
  }
}
