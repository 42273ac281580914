// The runtime kernels against plain reference loops (PyTorch layouts, double
// accumulation), and the bit-exactness contract: computing an output region
// by region, each from a buffer holding only the input window it needs, gives
// exactly the bytes of computing the whole map at once.
#include "tessel/runtime.h"

#include "reference/ops.h"

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

// --- Test data ---------------------------------------------------------------

using Random = tessel::testing::KernelRandom;
using tessel::testing::randomPartition;

constexpr Act kAllActs[] = {Act::Linear,  Act::Relu,        Act::Relu6,    Act::Leaky,
                            Act::Sigmoid, Act::HardSigmoid, Act::HardSwish};

const char *actName(Act a) {
  switch (a) {
  case Act::Linear: return "linear";
  case Act::Relu: return "relu";
  case Act::Relu6: return "relu6";
  case Act::Leaky: return "leaky";
  case Act::Sigmoid: return "sigmoid";
  case Act::HardSigmoid: return "hard_sigmoid";
  case Act::HardSwish: return "hard_swish";
  }
  return "?";
}

// Calls f(std::integral_constant<Act, a>{}) so a run-time activation can pick
// a kernel template instance.
template <typename F> void withAct(Act a, F &&f) {
  switch (a) {
  case Act::Linear: f(std::integral_constant<Act, Act::Linear>{}); break;
  case Act::Relu: f(std::integral_constant<Act, Act::Relu>{}); break;
  case Act::Relu6: f(std::integral_constant<Act, Act::Relu6>{}); break;
  case Act::Leaky: f(std::integral_constant<Act, Act::Leaky>{}); break;
  case Act::Sigmoid: f(std::integral_constant<Act, Act::Sigmoid>{}); break;
  case Act::HardSigmoid: f(std::integral_constant<Act, Act::HardSigmoid>{}); break;
  case Act::HardSwish: f(std::integral_constant<Act, Act::HardSwish>{}); break;
  }
}

double refActivate(Act a, double x, double alpha) {
  switch (a) {
  case Act::Linear: return x;
  case Act::Relu: return x < 0 ? 0 : x;
  case Act::Relu6: return x < 0 ? 0 : (x > 6 ? 6 : x);
  case Act::Leaky: return x < 0 ? alpha * x : x;
  case Act::Sigmoid: return 1 / (1 + std::exp(-x));
  case Act::HardSigmoid: return std::min(std::max(alpha * x + 0.5, 0.0), 1.0);
  case Act::HardSwish: return x * std::min(std::max(x / 6 + 0.5, 0.0), 1.0);
  }
  return x;
}

// A reference value and the sum of the magnitudes of the terms that formed
// it, which bounds the rounding error a float computation may make.
struct RefValue {
  double value;
  double magnitude;
};

// Expects got to match ref to ~1e-5 relative to the terms' magnitude.
void expectClose(const std::vector<float> &got, const std::vector<RefValue> &ref,
                 const std::string &what) {
  REQUIRE(got.size() == ref.size());
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double tolerance = 1e-5 * ref[i].magnitude + 1e-6;
    const bool equal = double(got[i]) == ref[i].value; // also equal infinities
    if (!equal && !(std::fabs(double(got[i]) - ref[i].value) <= tolerance)) {
      if (bad++ < 5)
        FAIL_CHECK(what << ": element " << i << " is " << got[i] << ", expected " << ref[i].value);
    }
  }
  CHECK_MESSAGE(bad == 0, what << ": " << bad << " of " << got.size() << " elements differ");
}

// --- Layouts (independent of the runtime's own conversions) ------------------

std::vector<float> toHwc(const std::vector<float> &nchw, int c, int h, int w) {
  std::vector<float> hwc(nchw.size());
  for (int ci = 0; ci < c; ++ci)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        hwc[(size_t(y) * w + x) * c + ci] = nchw[(size_t(ci) * h + y) * w + x];
  return hwc;
}

template <typename T> std::vector<T> toNchw(const std::vector<T> &hwc, int c, int h, int w) {
  std::vector<T> nchw(hwc.size());
  for (int ci = 0; ci < c; ++ci)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        nchw[(size_t(ci) * h + y) * w + x] = hwc[(size_t(y) * w + x) * c + ci];
  return nchw;
}

// A copy of rows [y0, y1) x columns [x0, x1) of an HWC map, with its view.
struct Window {
  std::vector<float> data;
  ConstMapView view;
};

Window copyWindow(const std::vector<float> &hwc, int c, int h, int w, int y0, int y1, int x0,
                  int x1) {
  Window win;
  const int wh = std::max(0, y1 - y0), ww = std::max(0, x1 - x0);
  win.data.resize(std::max<size_t>(1, size_t(wh) * ww * c));
  for (int y = 0; y < wh && ww > 0; ++y)
    std::memcpy(&win.data[size_t(y) * ww * c], &hwc[((size_t(y0 + y)) * w + x0) * c],
                sizeof(float) * ww * c);
  win.view = ConstMapView{win.data.data(), c, h, w, y0, x0, wh, ww};
  return win;
}

// --- Region splitting ---------------------------------------------------------

// Input cells [lo, hi) along one axis that outputs [o0, o1) read, clamped to
// the map; lo == hi when they read only padding.
struct Span {
  int lo, hi;
};
Span neededInput(int o0, int o1, int stride, int pad, int dilation, int kernel, int size) {
  int lo = o0 * stride - pad;
  int hi = (o1 - 1) * stride - pad + (kernel - 1) * dilation + 1;
  lo = std::clamp(lo, 0, size);
  hi = std::clamp(hi, 0, size);
  if (hi < lo)
    hi = lo;
  return Span{lo, hi};
}

// Widens a span by up to two cells on each side (inside [0, size)), so views
// also hold windows larger than what the Region needs.
Span widen(Random &rng, Span s, int size) {
  if (s.lo == s.hi)
    return s;
  return Span{std::max(0, s.lo - rng.range(0, 2)), std::min(size, s.hi + rng.range(0, 2))};
}

// Computes `full` (outC x outH x outW, HWC) region by region: for each region
// of random partitions, `compute(r, out)` writes r into `out`, a view of a
// separate buffer holding a window around r; the pieces are assembled and
// must equal `full` byte for byte. The buffer cells outside r must stay
// untouched.
void expectRegionInvariant(const std::vector<float> &full, int outC, int outH, int outW,
                           uint64_t seed,
                           const std::function<void(Region, Random &, MapView)> &compute) {
  Random rng(seed);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<float> assembled(full.size(), std::numeric_limits<float>::quiet_NaN());
    for (const Region &r : randomPartition(rng, outH, outW)) {
      // Output buffer: r plus a random margin, filled with a sentinel.
      const Span ys = widen(rng, Span{r.y0, r.y1}, outH);
      const Span xs = widen(rng, Span{r.x0, r.x1}, outW);
      const int wh = ys.hi - ys.lo, ww = xs.hi - xs.lo;
      const float sentinel = -12345.0f;
      std::vector<float> buffer(size_t(wh) * ww * outC, sentinel);
      MapView out{buffer.data(), outC, outH, outW, ys.lo, xs.lo, wh, ww};
      compute(r, rng, out);
      for (int y = ys.lo; y < ys.hi; ++y) {
        for (int x = xs.lo; x < xs.hi; ++x) {
          const float *cell = out.at(y, x);
          const bool inside = y >= r.y0 && y < r.y1 && x >= r.x0 && x < r.x1;
          if (inside) {
            std::memcpy(&assembled[(size_t(y) * outW + x) * outC], cell, sizeof(float) * outC);
          } else {
            for (int c = 0; c < outC; ++c)
              REQUIRE_MESSAGE(std::memcmp(&cell[c], &sentinel, sizeof(float)) == 0,
                              "kernel wrote outside its region");
          }
        }
      }
    }
    REQUIRE(std::memcmp(assembled.data(), full.data(), sizeof(float) * full.size()) == 0);
  }
}

// --- Convolution reference ---------------------------------------------------

struct ConvCase {
  int inC, outC, h, w;
  int kH, kW, sH, sW, dH, dW;
  int groups;
  int padT, padL, padB, padR;
  int outH() const { return (h + padT + padB - (dH * (kH - 1) + 1)) / sH + 1; }
  int outW() const { return (w + padL + padR - (dW * (kW - 1) + 1)) / sW + 1; }
  tessel::Conv2dParams params(float alpha) const {
    return tessel::Conv2dParams{inC, outC, kH, kW, sH, sW, dH, dW, groups, padT, padL, alpha};
  }
  std::string describe() const {
    return "conv " + std::to_string(inC) + "->" + std::to_string(outC) + " on " +
           std::to_string(h) + "x" + std::to_string(w) + " k" + std::to_string(kH) + "x" +
           std::to_string(kW) + " s" + std::to_string(sH) + "," + std::to_string(sW) + " d" +
           std::to_string(dH) + "," + std::to_string(dW) + " g" + std::to_string(groups) + " pad " +
           std::to_string(padT) + "," + std::to_string(padL) + "," + std::to_string(padB) + "," +
           std::to_string(padR);
  }
};

// PyTorch conv2d: input NCHW, weights OIHW [outC][inC / groups][kH][kW].
// Returns NCHW.
std::vector<RefValue> refConv(const ConvCase &k, const std::vector<float> &in,
                              const std::vector<float> &oihw, const float *bias, Act act,
                              double alpha) {
  const int outH = k.outH(), outW = k.outW();
  const int inG = k.inC / k.groups, outG = k.outC / k.groups;
  std::vector<RefValue> out(size_t(k.outC) * outH * outW);
  for (int o = 0; o < k.outC; ++o) {
    const int g = o / outG;
    for (int oy = 0; oy < outH; ++oy) {
      for (int ox = 0; ox < outW; ++ox) {
        double sum = bias ? bias[o] : 0.0;
        double magnitude = bias ? std::fabs(bias[o]) : 0.0;
        for (int ci = 0; ci < inG; ++ci) {
          for (int ky = 0; ky < k.kH; ++ky) {
            for (int kx = 0; kx < k.kW; ++kx) {
              const int iy = oy * k.sH - k.padT + ky * k.dH;
              const int ix = ox * k.sW - k.padL + kx * k.dW;
              if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w)
                continue;
              const double term = double(in[(size_t(g * inG + ci) * k.h + iy) * k.w + ix]) *
                                  oihw[((size_t(o) * inG + ci) * k.kH + ky) * k.kW + kx];
              sum += term;
              magnitude += std::fabs(term);
            }
          }
        }
        out[(size_t(o) * outH + oy) * outW + ox] =
            RefValue{refActivate(act, sum, alpha), magnitude};
      }
    }
  }
  return out;
}

// OIHW -> the conv2d layout (blocks of output channels, tessel::convWeightIndex).
std::vector<float> packConvWeights(const ConvCase &k, const std::vector<float> &oihw) {
  const int inG = k.inC / k.groups, outG = k.outC / k.groups;
  std::vector<float> packed(oihw.size(), std::numeric_limits<float>::quiet_NaN());
  for (int g = 0; g < k.groups; ++g)
    for (int ky = 0; ky < k.kH; ++ky)
      for (int kx = 0; kx < k.kW; ++kx)
        for (int ci = 0; ci < inG; ++ci)
          for (int co = 0; co < outG; ++co)
            packed[size_t(tessel::convWeightIndex(k.kH, k.kW, inG, outG, g, ky, kx, ci, co))] =
                oihw[((size_t(g * outG + co) * inG + ci) * k.kH + ky) * k.kW + kx];
  return packed;
}

// OIHW with inC / groups == 1 -> [kH][kW][outC], the depthwise layout.
std::vector<float> packDepthwiseWeights(const ConvCase &k, const std::vector<float> &oihw) {
  std::vector<float> packed(oihw.size());
  for (int ky = 0; ky < k.kH; ++ky)
    for (int kx = 0; kx < k.kW; ++kx)
      for (int o = 0; o < k.outC; ++o)
        packed[(size_t(ky) * k.kW + kx) * k.outC + o] = oihw[(size_t(o) * k.kH + ky) * k.kW + kx];
  return packed;
}

// Everything one convolution test needs, in both layouts.
struct ConvData {
  std::vector<float> inNchw, inHwc, oihw, packed, bias;
};

ConvData makeConvData(const ConvCase &k, bool depthwise, Random &rng) {
  ConvData d;
  d.inNchw = rng.vector(size_t(k.inC) * k.h * k.w);
  d.inHwc = toHwc(d.inNchw, k.inC, k.h, k.w);
  d.oihw = rng.vector(size_t(k.outC) * (k.inC / k.groups) * k.kH * k.kW);
  d.packed = depthwise ? packDepthwiseWeights(k, d.oihw) : packConvWeights(k, d.oihw);
  d.bias = rng.vector(k.outC);
  return d;
}

// Runs conv2d or depthwiseConv2d with activation `act` for Region r.
void runConv(bool depthwise, Act act, const tessel::Conv2dParams &p, const float *weights,
             const float *bias, ConstMapView in, MapView out, Region r) {
  withAct(act, [&](auto a) {
    if (depthwise)
      tessel::depthwiseConv2d<decltype(a)::value>(p, weights, bias, in, out, r);
    else
      tessel::conv2d<decltype(a)::value>(p, weights, bias, in, out, r);
  });
}

// Whole-map result against the reference, then region invariance.
void checkConv(const ConvCase &k, bool depthwise, Act act, bool withBias, uint64_t seed,
               bool regions = true) {
  INFO(k.describe() << (depthwise ? " depthwise" : "") << " " << actName(act)
                    << (withBias ? "" : " no bias"));
  Random rng(seed);
  const ConvData d = makeConvData(k, depthwise, rng);
  const float alpha = 0.1f;
  const tessel::Conv2dParams p = k.params(alpha);
  const float *bias = withBias ? d.bias.data() : nullptr;
  const int outH = k.outH(), outW = k.outW();
  REQUIRE(outH > 0);
  REQUIRE(outW > 0);

  std::vector<float> full(size_t(k.outC) * outH * outW);
  runConv(depthwise, act, p, d.packed.data(), bias,
          tessel::wholeMap<const float>(d.inHwc.data(), k.inC, k.h, k.w),
          tessel::wholeMap<float>(full.data(), k.outC, outH, outW), Region{0, outH, 0, outW});
  expectClose(toNchw(full, k.outC, outH, outW), refConv(k, d.inNchw, d.oihw, bias, act, alpha),
              k.describe());

  if (!regions)
    return;
  expectRegionInvariant(full, k.outC, outH, outW, seed + 1, [&](Region r, Random &g, MapView out) {
    const Span ys = widen(g, neededInput(r.y0, r.y1, k.sH, k.padT, k.dH, k.kH, k.h), k.h);
    const Span xs = widen(g, neededInput(r.x0, r.x1, k.sW, k.padL, k.dW, k.kW, k.w), k.w);
    const Window win = copyWindow(d.inHwc, k.inC, k.h, k.w, ys.lo, ys.hi, xs.lo, xs.hi);
    runConv(depthwise, act, p, d.packed.data(), bias, win.view, out, r);
  });
}

// A random convolution small enough to check exhaustively.
ConvCase randomConv(Random &rng, bool depthwise) {
  ConvCase k{};
  k.kH = rng.range(1, 5);
  k.kW = rng.range(1, 5);
  k.sH = rng.range(1, 3);
  k.sW = rng.range(1, 3);
  k.dH = rng.range(1, 3) == 3 ? 2 : 1;
  k.dW = rng.range(1, 3) == 3 ? 2 : 1;
  k.padT = rng.range(0, k.kH);
  k.padL = rng.range(0, k.kW);
  k.padB = rng.range(0, k.kH);
  k.padR = rng.range(0, k.kW);
  k.h = rng.range(1, 13);
  k.w = rng.range(1, 23);
  // Make sure the output has at least one row and column.
  while (k.outH() < 1)
    ++k.h;
  while (k.outW() < 1)
    ++k.w;
  if (depthwise) {
    k.inC = rng.range(1, 21);
    k.groups = k.inC;
    k.outC = k.inC * rng.range(1, 3);
  } else {
    k.groups = rng.range(1, 4) == 4 ? rng.range(2, 3) : 1;
    k.inC = k.groups * rng.range(1, 9);
    k.outC = k.groups * rng.range(1, 40);
  }
  return k;
}

} // namespace

// --- Scalar helpers ------------------------------------------------------------

TEST_CASE("madd fuses exactly when the target has a fused multiply-add") {
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: the 2^-24 survives only if fused.
  const float a = 1.0f + std::ldexp(1.0f, -12);
  const float acc = -(1.0f + std::ldexp(1.0f, -11));
  const float got = tessel::madd(acc, a, a);
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
  CHECK(got == std::ldexp(1.0f, -24));
#else
  CHECK(got == 0.0f);
#endif
  CHECK(tessel::madd(1.0f, 2.0f, 3.0f) == 7.0f);
}

TEST_CASE("activate") {
  using tessel::activate;
  CHECK(activate<Act::Linear>(-3.5f, 0.1f) == -3.5f);
  CHECK(activate<Act::Relu>(-3.5f, 0.1f) == 0.0f);
  CHECK(activate<Act::Relu>(2.5f, 0.1f) == 2.5f);
  CHECK(activate<Act::Relu6>(-1.0f, 0.1f) == 0.0f);
  CHECK(activate<Act::Relu6>(5.0f, 0.1f) == 5.0f);
  CHECK(activate<Act::Relu6>(7.0f, 0.1f) == 6.0f);
  CHECK(activate<Act::Leaky>(-2.0f, 0.25f) == -0.5f);
  CHECK(activate<Act::Leaky>(3.0f, 0.25f) == 3.0f);
  CHECK(activate<Act::Sigmoid>(0.0f, 0.1f) == 0.5f);
  CHECK(activate<Act::Sigmoid>(2.0f, 0.1f) == doctest::Approx(1.0 / (1.0 + std::exp(-2.0))));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(std::isnan(activate<Act::Relu>(nan, 0.1f)));
  CHECK(std::isnan(activate<Act::Relu6>(nan, 0.1f)));
  CHECK(std::isnan(activate<Act::Leaky>(nan, 0.1f)));
  CHECK(std::isnan(activate<Act::Sigmoid>(nan, 0.1f)));
  // hard_sigmoid: max(0, min(1, alpha x + 0.5)); hard_swish: x hard_sigmoid_{1/6}(x).
  CHECK(activate<Act::HardSigmoid>(0.0f, 0.2f) == 0.5f);
  CHECK(activate<Act::HardSigmoid>(1.0f, 0.2f) == doctest::Approx(0.7));
  CHECK(activate<Act::HardSigmoid>(-3.0f, 0.2f) == 0.0f);
  CHECK(activate<Act::HardSigmoid>(3.0f, 0.2f) == 1.0f);
  CHECK(activate<Act::HardSwish>(-3.0f, 0.0f) == 0.0f);
  CHECK(activate<Act::HardSwish>(3.0f, 0.0f) == 3.0f);
  CHECK(activate<Act::HardSwish>(1.0f, 0.0f) == doctest::Approx(1.0 * (1.0 / 6.0 + 0.5)));
  CHECK(activate<Act::HardSwish>(-1.0f, 0.0f) == doctest::Approx(-1.0 * (-1.0 / 6.0 + 0.5)));
  CHECK(std::isnan(activate<Act::HardSigmoid>(nan, 0.2f)));
  CHECK(std::isnan(activate<Act::HardSwish>(nan, 0.0f)));
}

TEST_CASE("validTaps and interiorOutputs") {
  using tessel::interiorOutputs;
  using tessel::validTaps;
  // 3 taps at -1, 0, 1 in a map of 5: the first is padding.
  CHECK(validTaps(-1, 1, 3, 5).begin == 1);
  CHECK(validTaps(-1, 1, 3, 5).end == 3);
  // Dilation 2: taps at -3, -1, 1, 3 -> taps 2 and 3 inside a map of 4.
  CHECK(validTaps(-3, 2, 4, 4).begin == 2);
  CHECK(validTaps(-3, 2, 4, 4).end == 4);
  // Entirely padding, on either side.
  CHECK(validTaps(-5, 1, 3, 5).count() == 0);
  CHECK(validTaps(5, 1, 3, 5).count() == 0);
  // 3x3, stride 1, pad 1 on 10 columns: outputs 1..8 are interior.
  CHECK(interiorOutputs(1, 1, 1, 3, 10, 0, 10).begin == 1);
  CHECK(interiorOutputs(1, 1, 1, 3, 10, 0, 10).end == 9);
  // Clamped to [lo, hi), also when no output is interior.
  CHECK(interiorOutputs(1, 1, 1, 3, 10, 4, 6).begin == 4);
  CHECK(interiorOutputs(1, 1, 1, 3, 10, 4, 6).end == 6);
  const tessel::TapRange none = interiorOutputs(1, 2, 1, 5, 3, 0, 3);
  CHECK(none.count() == 0);
  CHECK(none.begin >= 0);
  CHECK(none.end <= 3);
}

// --- Convolutions ---------------------------------------------------------------

TEST_CASE("convWeightIndex: blocks of 32 output channels, the last one unpadded") {
  // 3x3 kernel, 2 input and 37 output channels per group: blocks of 32 and 5
  // output channels, each 3 * 3 * 2 = 18 (tap, input channel) rows long.
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 0, 0, 0, 0, 0) == 0);
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 0, 0, 0, 0, 31) == 31);
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 0, 0, 0, 1, 0) == 32);
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 0, 0, 1, 0, 0) == 64);
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 0, 1, 0, 0, 0) == 192);
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 0, 0, 0, 0, 32) == 18 * 32);
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 0, 0, 0, 1, 33) == 18 * 32 + 5 + 1);
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 0, 2, 2, 1, 36) == 18 * 37 - 1);
  CHECK(tessel::convWeightIndex(3, 3, 2, 37, 1, 0, 0, 0, 0) == 18 * 37); // next group
}

TEST_CASE("conv2d matches the reference on chosen shapes") {
  // inC, outC, h, w, kH, kW, sH, sW, dH, dW, groups, padT, padL, padB, padR
  const ConvCase cases[] = {
      {8, 16, 9, 11, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},   // 1x1
      {3, 16, 17, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // 3x3 same, first layer
      {5, 37, 13, 29, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // channel block tails 32+4+1
      {3, 61, 9, 31, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // 32 + 16 + 8 + 4 + 1, a 32 block
      {6, 88, 7, 27, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},   // two weight blocks: 32+32, 16+8
      {4, 24, 15, 15, 3, 3, 2, 2, 1, 1, 1, 0, 0, 1, 1},  // TF "same" stride 2, asymmetric
      {6, 12, 16, 17, 5, 5, 1, 1, 1, 1, 1, 2, 2, 2, 2},  // 5x5
      {4, 8, 14, 9, 7, 1, 1, 1, 1, 1, 1, 3, 0, 3, 0},    // 7x1
      {4, 8, 9, 14, 1, 7, 1, 1, 1, 1, 1, 0, 3, 0, 3},    // 1x7
      {3, 5, 20, 22, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1},   // stride 3
      {4, 8, 12, 13, 3, 3, 1, 1, 2, 2, 1, 2, 2, 2, 2},   // dilation 2
      {2, 3, 11, 12, 3, 3, 2, 1, 3, 2, 1, 3, 1, 2, 4},   // mixed stride, dilation, padding
      {8, 12, 10, 10, 3, 3, 1, 1, 1, 1, 2, 1, 1, 1, 1},  // groups 2
      {12, 12, 7, 9, 3, 3, 1, 1, 1, 1, 4, 1, 1, 1, 1},   // groups 4, 3 channels per group
      {6, 6, 8, 8, 3, 3, 1, 1, 1, 1, 6, 1, 1, 1, 1},     // groups == channels via conv2d
      {7, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},     // 1x1 map
      {7, 9, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},     // 1x1 map, 3x3 kernel, padding
      {3, 4, 2, 3, 5, 5, 1, 1, 1, 1, 1, 2, 2, 2, 2},     // kernel larger than the map
      {2, 4, 3, 3, 3, 3, 1, 1, 1, 1, 1, 3, 3, 3, 3},     // border rows of pure padding
      {32, 64, 10, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // full blocks, long rows
  };
  uint64_t seed = 1;
  for (const ConvCase &k : cases)
    for (Act act : {Act::Linear, Act::Leaky})
      checkConv(k, false, act, true, seed++);
  checkConv(cases[2], false, Act::Relu, false, seed++);
  checkConv(cases[3], false, Act::Relu6, false, seed++);
  checkConv(cases[4], false, Act::Sigmoid, true, seed++);
}

TEST_CASE("conv2d matches the reference on random shapes") {
  Random rng(2024);
  for (int i = 0; i < 150; ++i) {
    const ConvCase k = randomConv(rng, false);
    checkConv(k, false, kAllActs[i % 5], i % 7 != 0, 1000 + i);
  }
}

TEST_CASE("depthwiseConv2d matches the reference") {
  // inC, outC, h, w, kH, kW, sH, sW, dH, dW, groups (== inC), padT, padL, padB, padR
  const ConvCase cases[] = {
      {16, 16, 12, 13, 3, 3, 1, 1, 1, 1, 16, 1, 1, 1, 1}, // multiplier 1
      {37, 37, 9, 17, 3, 3, 2, 2, 1, 1, 37, 0, 0, 1, 1},  // tails, stride 2, asymmetric
      {61, 61, 6, 19, 3, 3, 1, 1, 1, 1, 61, 1, 1, 1, 1},  // 32 + 16 + 8 + 4 + 1 channels
      {8, 16, 10, 11, 3, 3, 1, 1, 1, 1, 8, 1, 1, 1, 1},   // multiplier 2
      {5, 15, 7, 9, 5, 5, 1, 2, 1, 1, 5, 2, 2, 2, 2},     // multiplier 3, 5x5
      {12, 12, 13, 14, 3, 3, 1, 1, 2, 2, 12, 2, 2, 2, 2}, // dilation
      {3, 6, 1, 1, 3, 3, 1, 1, 1, 1, 3, 1, 1, 1, 1},      // 1x1 map
      {24, 24, 16, 16, 7, 1, 1, 1, 1, 1, 24, 3, 0, 3, 0}, // 7x1
      {4, 4, 20, 21, 3, 3, 3, 3, 1, 1, 4, 1, 1, 1, 1},    // stride 3
  };
  uint64_t seed = 500;
  for (const ConvCase &k : cases)
    for (Act act : {Act::Linear, Act::Relu6})
      checkConv(k, true, act, true, seed++);
  checkConv(cases[2], true, Act::Leaky, false, seed++);

  Random rng(77);
  for (int i = 0; i < 100; ++i) {
    const ConvCase k = randomConv(rng, true);
    checkConv(k, true, kAllActs[i % 5], i % 5 != 0, 2000 + i);
  }
}

TEST_CASE("convolutions skip padded taps instead of adding zeros") {
  // A 1x1 map with 3x3 kernels and padding 1: only the centre tap is inside
  // the map. Every other weight is infinite; 0 * inf would make NaN.
  const ConvCase k{2, 3, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> in = {0.5f, -2.0f};
  std::vector<float> weights(size_t(3) * 3 * 2 * 3, inf);
  for (int ci = 0; ci < 2; ++ci)
    for (int co = 0; co < 3; ++co)
      weights[((1 * 3 + 1) * 2 + ci) * 3 + co] = float(co + 1);
  std::vector<float> out(3);
  tessel::conv2d<Act::Linear>(k.params(0.0f), weights.data(), nullptr,
                              tessel::wholeMap<const float>(in.data(), 2, 1, 1),
                              tessel::wholeMap<float>(out.data(), 3, 1, 1), Region{0, 1, 0, 1});
  for (int co = 0; co < 3; ++co)
    CHECK(out[co] == (0.5f - 2.0f) * float(co + 1));

  std::vector<float> dw(size_t(3) * 3 * 2, inf);
  dw[(1 * 3 + 1) * 2 + 0] = 3.0f;
  dw[(1 * 3 + 1) * 2 + 1] = 4.0f;
  std::vector<float> dwOut(2);
  const ConvCase d{2, 2, 1, 1, 3, 3, 1, 1, 1, 1, 2, 1, 1, 1, 1};
  tessel::depthwiseConv2d<Act::Linear>(
      d.params(0.0f), dw.data(), nullptr, tessel::wholeMap<const float>(in.data(), 2, 1, 1),
      tessel::wholeMap<float>(dwOut.data(), 2, 1, 1), Region{0, 1, 0, 1});
  CHECK(dwOut[0] == 1.5f);
  CHECK(dwOut[1] == -8.0f);
}

namespace {

// Channels [c0, c1) of an HWC map, as a map of their own.
std::vector<float> keepChannels(const std::vector<float> &hwc, int c, int h, int w, int c0,
                                int c1) {
  std::vector<float> kept;
  kept.reserve(size_t(h) * w * (c1 - c0));
  for (size_t pixel = 0; pixel < size_t(h) * w; ++pixel)
    kept.insert(kept.end(), hwc.begin() + long(pixel * c + c0), hwc.begin() + long(pixel * c + c1));
  return kept;
}

// A 1x1 convolution with one group, summed slice by slice: cuts [0, c1),
// [c1, c2), ... of its input channels, each run over a view holding just
// its channels with weights packed as a convolution over just them. conv2d
// (with the bias) for the first slice, conv2dAccumulate for the others;
// only the last applies the activation. Must give conv2d's bytes over all
// channels, for any region and input window.
void checkAccumulatedSlices(const ConvCase &k, const std::vector<int> &cuts, Act act,
                            uint64_t seed) {
  std::string sliceText;
  for (size_t s = 0; s + 1 < cuts.size(); ++s)
    sliceText += " [" + std::to_string(cuts[s]) + ", " + std::to_string(cuts[s + 1]) + ")";
  INFO(k.describe() << " " << actName(act) << " slices" << sliceText);
  REQUIRE(k.kH == 1);
  REQUIRE(k.kW == 1);
  REQUIRE(k.groups == 1);
  REQUIRE(cuts.front() == 0);
  REQUIRE(cuts.back() == k.inC);
  Random rng(seed);
  const ConvData d = makeConvData(k, false, rng);
  const float alpha = 0.1f;
  const int outH = k.outH(), outW = k.outW();
  std::vector<float> full(size_t(k.outC) * outH * outW);
  runConv(false, act, k.params(alpha), d.packed.data(), d.bias.data(),
          tessel::wholeMap<const float>(d.inHwc.data(), k.inC, k.h, k.w),
          tessel::wholeMap<float>(full.data(), k.outC, outH, outW), Region{0, outH, 0, outW});

  // Each slice's input channels and weights, as a convolution of its own.
  struct Slice {
    ConvCase conv;
    std::vector<float> in, packed;
  };
  std::vector<Slice> slices;
  for (size_t s = 0; s + 1 < cuts.size(); ++s) {
    const int c0 = cuts[s], c1 = cuts[s + 1];
    Slice slice{k, keepChannels(d.inHwc, k.inC, k.h, k.w, c0, c1), {}};
    slice.conv.inC = c1 - c0;
    slice.packed.assign(size_t(k.outC) * slice.conv.inC, std::numeric_limits<float>::quiet_NaN());
    for (int co = 0; co < k.outC; ++co)
      for (int ci = c0; ci < c1; ++ci)
        slice.packed[size_t(tessel::convWeightIndex(1, 1, c1 - c0, k.outC, 0, 0, 0, ci - c0, co))] =
            d.oihw[size_t(co) * k.inC + ci];
    slices.push_back(std::move(slice));
  }

  expectRegionInvariant(full, k.outC, outH, outW, seed + 1, [&](Region r, Random &g, MapView out) {
    const Span ys = widen(g, neededInput(r.y0, r.y1, k.sH, k.padT, 1, 1, k.h), k.h);
    const Span xs = widen(g, neededInput(r.x0, r.x1, k.sW, k.padL, 1, 1, k.w), k.w);
    for (size_t s = 0; s < slices.size(); ++s) {
      const Slice &slice = slices[s];
      const Window win = copyWindow(slice.in, slice.conv.inC, k.h, k.w, ys.lo, ys.hi, xs.lo, xs.hi);
      const tessel::Conv2dParams p = slice.conv.params(alpha);
      const bool last = s + 1 == slices.size();
      withAct(last ? act : Act::Linear, [&](auto a) {
        constexpr Act kAct = decltype(a)::value;
        if (s == 0)
          tessel::conv2d<kAct>(p, slice.packed.data(), d.bias.data(), win.view, out, r);
        else
          tessel::conv2dAccumulate<kAct>(p, slice.packed.data(), win.view, out, r);
      });
    }
  });
}

} // namespace

TEST_CASE("conv2dAccumulate over input channel slices gives conv2d's bytes over all channels") {
  // Chosen: block tails, more than one weight block, a slice of one channel.
  // inC, outC, h, w, kH, kW, sH, sW, dH, dW, groups, padT, padL, padB, padR
  const ConvCase wide{40, 70, 5, 13, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
  checkAccumulatedSlices(wide, {0, 1, 17, 32, 40}, Act::Relu6, 3000);
  checkAccumulatedSlices(wide, {0, 39, 40}, Act::Leaky, 3001);
  const ConvCase strided{33, 37, 9, 11, 1, 1, 2, 2, 1, 1, 1, 0, 0, 0, 0};
  checkAccumulatedSlices(strided, {0, 16, 33}, Act::HardSwish, 3002);
  checkAccumulatedSlices(strided, {0, 33}, Act::Sigmoid, 3003); // one slice: conv2d alone

  Random rng(3100);
  for (int i = 0; i < 80; ++i) {
    ConvCase k{};
    k.kH = k.kW = k.dH = k.dW = k.groups = 1;
    k.sH = rng.range(1, 2);
    k.sW = rng.range(1, 2);
    k.inC = rng.range(2, 72);
    k.outC = rng.range(1, 4) == 1 ? 32 * rng.range(1, 3) : rng.range(1, 100);
    k.h = rng.range(1, 12);
    k.w = rng.range(1, 20);
    const int count = rng.range(1, std::min(5, k.inC));
    // `count` slices: distinct cuts inside (0, inC), in order.
    std::vector<int> cuts{0, k.inC};
    while (int(cuts.size()) < count + 1) {
      const int cut = rng.range(1, k.inC - 1);
      if (std::find(cuts.begin(), cuts.end(), cut) == cuts.end())
        cuts.push_back(cut);
    }
    std::sort(cuts.begin(), cuts.end());
    checkAccumulatedSlices(k, cuts, kAllActs[i % 7], 3200 + uint64_t(i));
  }
}

// --- Pooling -------------------------------------------------------------------

namespace {

struct PoolCase {
  int c, h, w, kH, kW, sH, sW, padT, padL, padB, padR;
  int outH() const { return (h + padT + padB - kH) / sH + 1; }
  int outW() const { return (w + padL + padR - kW) / sW + 1; }
  tessel::PoolParams params(bool countIncludePad) const {
    return tessel::PoolParams{c, kH, kW, sH, sW, padT, padL, padB, padR, countIncludePad};
  }
  std::string describe() const {
    return "pool c" + std::to_string(c) + " " + std::to_string(h) + "x" + std::to_string(w) + " k" +
           std::to_string(kH) + "x" + std::to_string(kW) + " s" + std::to_string(sH) + "," +
           std::to_string(sW) + " pad " + std::to_string(padT) + "," + std::to_string(padL) + "," +
           std::to_string(padB) + "," + std::to_string(padR);
  }
};

// PyTorch max_pool2d / avg_pool2d on NCHW (padding bottom/right may exceed
// top/left, as ceil_mode produces).
std::vector<RefValue> refPool(const PoolCase &k, const std::vector<float> &in, bool max,
                              bool countIncludePad) {
  const int outH = k.outH(), outW = k.outW();
  std::vector<RefValue> out(size_t(k.c) * outH * outW);
  for (int c = 0; c < k.c; ++c) {
    for (int oy = 0; oy < outH; ++oy) {
      for (int ox = 0; ox < outW; ++ox) {
        const int y0 = oy * k.sH - k.padT, x0 = ox * k.sW - k.padL;
        const int yEnd = std::min(y0 + k.kH, k.h + k.padB);
        const int xEnd = std::min(x0 + k.kW, k.w + k.padR);
        double best = -std::numeric_limits<double>::infinity();
        double sum = 0, magnitude = 0;
        int cells = 0;
        for (int y = std::max(y0, 0); y < std::min(yEnd, k.h); ++y) {
          for (int x = std::max(x0, 0); x < std::min(xEnd, k.w); ++x) {
            const double v = in[(size_t(c) * k.h + y) * k.w + x];
            best = std::max(best, v);
            sum += v;
            magnitude += std::fabs(v);
            ++cells;
          }
        }
        const int divisor = countIncludePad ? (yEnd - y0) * (xEnd - x0) : cells;
        out[(size_t(c) * outH + oy) * outW + ox] =
            max ? RefValue{best, 0.0} : RefValue{sum / divisor, magnitude / divisor};
      }
    }
  }
  return out;
}

void checkPool(const PoolCase &k, bool max, bool countIncludePad, uint64_t seed) {
  INFO(k.describe() << (max ? " max" : " avg") << (countIncludePad ? " count pad" : ""));
  Random rng(seed);
  const std::vector<float> inNchw = rng.vector(size_t(k.c) * k.h * k.w);
  const std::vector<float> inHwc = toHwc(inNchw, k.c, k.h, k.w);
  const tessel::PoolParams p = k.params(countIncludePad);
  const int outH = k.outH(), outW = k.outW();
  REQUIRE(outH > 0);
  REQUIRE(outW > 0);
  auto run = [&](ConstMapView in, MapView out, Region r) {
    if (max)
      tessel::maxPool2d(p, in, out, r);
    else
      tessel::avgPool2d(p, in, out, r);
  };
  std::vector<float> full(size_t(k.c) * outH * outW);
  run(tessel::wholeMap<const float>(inHwc.data(), k.c, k.h, k.w),
      tessel::wholeMap<float>(full.data(), k.c, outH, outW), Region{0, outH, 0, outW});
  expectClose(toNchw(full, k.c, outH, outW), refPool(k, inNchw, max, countIncludePad),
              k.describe());
  expectRegionInvariant(full, k.c, outH, outW, seed + 1, [&](Region r, Random &g, MapView out) {
    const Span ys = widen(g, neededInput(r.y0, r.y1, k.sH, k.padT, 1, k.kH, k.h), k.h);
    const Span xs = widen(g, neededInput(r.x0, r.x1, k.sW, k.padL, 1, k.kW, k.w), k.w);
    const Window win = copyWindow(inHwc, k.c, k.h, k.w, ys.lo, ys.hi, xs.lo, xs.hi);
    run(win.view, out, r);
  });
}

} // namespace

TEST_CASE("maxPool2d and avgPool2d match the reference") {
  // c, h, w, kH, kW, sH, sW, padT, padL, padB, padR
  const PoolCase cases[] = {
      {16, 12, 14, 2, 2, 2, 2, 0, 0, 0, 0}, // 2x2 stride 2
      {5, 11, 13, 3, 3, 2, 2, 1, 1, 1, 1},  // 3x3 stride 2 pad 1
      {7, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1},    // 3x3 stride 1 pad 1
      {3, 10, 11, 3, 3, 2, 2, 1, 1, 2, 2},  // ceil_mode-like extra bottom/right padding
      {19, 7, 8, 2, 3, 1, 2, 0, 1, 1, 0},   // asymmetric everything
      {4, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1},    // 1x1 map
      {2, 13, 13, 5, 5, 3, 3, 2, 2, 2, 2},  // 5x5 stride 3
      {33, 5, 6, 1, 1, 1, 1, 0, 0, 0, 0},   // 1x1 window
  };
  uint64_t seed = 3000;
  for (const PoolCase &k : cases) {
    checkPool(k, true, false, seed++);
    checkPool(k, false, false, seed++);
    checkPool(k, false, true, seed++);
  }
}

TEST_CASE("maxPool2d ignores padding") {
  // 2x2 map, 3x3 window with padding 1: padding must not win over negatives.
  std::vector<float> in = {-4.0f, -3.0f, -2.0f, -1.0f};
  std::vector<float> out(4);
  const tessel::PoolParams p{1, 3, 3, 1, 1, 1, 1, 1, 1, false};
  tessel::maxPool2d(p, tessel::wholeMap<const float>(in.data(), 1, 2, 2),
                    tessel::wholeMap<float>(out.data(), 1, 2, 2), Region{0, 2, 0, 2});
  for (float v : out)
    CHECK(v == -1.0f);
  // A NaN in the last cell of every window wins (m = m >= x ? m : x).
  in[3] = std::numeric_limits<float>::quiet_NaN();
  tessel::maxPool2d(p, tessel::wholeMap<const float>(in.data(), 1, 2, 2),
                    tessel::wholeMap<float>(out.data(), 1, 2, 2), Region{0, 2, 0, 2});
  for (float v : out)
    CHECK(std::isnan(v));
}

TEST_CASE("globalAvgPool") {
  Random rng(11);
  for (int c : {1, 3, 17, 64}) {
    for (int h : {1, 5}) {
      for (int w : {1, 7}) {
        const std::vector<float> in = rng.vector(size_t(c) * h * w);
        std::vector<float> out(c);
        tessel::globalAvgPool(tessel::wholeMap<const float>(in.data(), c, h, w), out.data());
        std::vector<RefValue> ref(c);
        for (int ci = 0; ci < c; ++ci) {
          double sum = 0, magnitude = 0;
          for (int i = 0; i < h * w; ++i) {
            sum += in[size_t(i) * c + ci];
            magnitude += std::fabs(in[size_t(i) * c + ci]);
          }
          ref[ci] = RefValue{sum / (h * w), magnitude / (h * w)};
        }
        expectClose(out, ref, "globalAvgPool");
      }
    }
  }
}

// --- Dense ---------------------------------------------------------------------

TEST_CASE("fullyConnected matches the reference") {
  Random rng(12);
  for (int inF : {1, 3, 64, 257}) {
    for (int outF : {1, 3, 4, 5, 10, 13, 61, 100}) {
      for (Act act : kAllActs) {
        for (bool withBias : {true, false}) {
          const std::vector<float> w = rng.vector(size_t(inF) * outF); // [out][in]
          std::vector<float> packed(w.size());
          for (int o = 0; o < outF; ++o)
            for (int i = 0; i < inF; ++i)
              packed[size_t(tessel::convWeightIndex(1, 1, inF, outF, 0, 0, 0, i, o))] =
                  w[size_t(o) * inF + i];
          const std::vector<float> b = rng.vector(outF);
          const std::vector<float> in = rng.vector(inF);
          std::vector<float> out(outF);
          const float alpha = 0.2f;
          const float *bias = withBias ? b.data() : nullptr;
          withAct(act, [&](auto a) {
            tessel::fullyConnected<decltype(a)::value>(inF, outF, packed.data(), bias, in.data(),
                                                       out.data(), alpha);
          });
          std::vector<RefValue> ref(outF);
          for (int o = 0; o < outF; ++o) {
            double sum = bias ? bias[o] : 0.0, magnitude = bias ? std::fabs(bias[o]) : 0.0;
            for (int i = 0; i < inF; ++i) {
              const double term = double(w[size_t(o) * inF + i]) * in[i];
              sum += term;
              magnitude += std::fabs(term);
            }
            ref[o] = RefValue{refActivate(act, sum, alpha), magnitude};
          }
          expectClose(out, ref,
                      "fullyConnected " + std::to_string(inF) + "->" + std::to_string(outF) + " " +
                          actName(act));
        }
      }
    }
  }
}

TEST_CASE("softmax") {
  Random rng(13);
  for (int n : {1, 2, 10, 1000}) {
    std::vector<float> in = rng.vector(n, -20.0f, 20.0f);
    in[0] = 80.0f; // exp(80) overflows float unless the maximum is subtracted
    std::vector<float> out(n);
    tessel::softmax(in.data(), out.data(), n);
    double max = *std::max_element(in.begin(), in.end()), total = 0;
    for (float x : in)
      total += std::exp(double(x) - max);
    std::vector<RefValue> ref(n);
    for (int i = 0; i < n; ++i)
      ref[i] = RefValue{std::exp(double(in[i]) - max) / total, 1.0};
    expectClose(out, ref, "softmax");
    // In place gives the same bytes.
    std::vector<float> inPlace = in;
    tessel::softmax(inPlace.data(), inPlace.data(), n);
    CHECK(std::memcmp(inPlace.data(), out.data(), sizeof(float) * n) == 0);
  }
}

// --- Element-wise ----------------------------------------------------------------

TEST_CASE("add sums inputs in order, over regions and windows") {
  Random rng(14);
  for (int count : {1, 2, 3}) {
    for (Act act : kAllActs) {
      const int c = 5 + count * 6, h = 9, w = 23; // rows longer than add's chunk
      std::vector<std::vector<float>> maps;
      std::vector<ConstMapView> views;
      for (int k = 0; k < count; ++k)
        maps.push_back(rng.vector(size_t(c) * h * w, -4.0f, 4.0f));
      for (const auto &m : maps)
        views.push_back(tessel::wholeMap<const float>(m.data(), c, h, w));
      const float alpha = 0.3f;
      auto run = [&](const ConstMapView *inputs, MapView out, Region r) {
        withAct(act,
                [&](auto a) { tessel::add<decltype(a)::value>(inputs, count, out, r, alpha); });
      };
      std::vector<float> full(size_t(c) * h * w);
      run(views.data(), tessel::wholeMap<float>(full.data(), c, h, w), Region{0, h, 0, w});
      std::vector<RefValue> ref(full.size());
      for (size_t i = 0; i < full.size(); ++i) {
        float sum = maps[0][i]; // float, in input order: the result is exact
        for (int k = 1; k < count; ++k)
          sum += maps[k][i];
        ref[i] = RefValue{refActivate(act, sum, alpha), 0.0};
      }
      expectClose(full, ref, std::string("add ") + actName(act));

      expectRegionInvariant(full, c, h, w, 15, [&](Region r, Random &g, MapView out) {
        const Span ys = widen(g, Span{r.y0, r.y1}, h), xs = widen(g, Span{r.x0, r.x1}, w);
        std::vector<Window> windows;
        std::vector<ConstMapView> inputs;
        for (const auto &m : maps)
          windows.push_back(copyWindow(m, c, h, w, ys.lo, ys.hi, xs.lo, xs.hi));
        for (const auto &win : windows)
          inputs.push_back(win.view);
        run(inputs.data(), out, r);
      });

      // In place: the output shares its buffer with the last input.
      std::vector<float> shared = maps.back();
      views.back() = tessel::wholeMap<const float>(shared.data(), c, h, w);
      run(views.data(), tessel::wholeMap<float>(shared.data(), c, h, w), Region{0, h, 0, w});
      CHECK(std::memcmp(shared.data(), full.data(), sizeof(float) * full.size()) == 0);
    }
  }
}

TEST_CASE("concatChannels") {
  Random rng(16);
  const int h = 6, w = 7;
  const int channels[] = {3, 1, 8};
  std::vector<std::vector<float>> maps;
  std::vector<ConstMapView> views;
  for (int c : channels)
    maps.push_back(rng.vector(size_t(c) * h * w));
  for (int k = 0; k < 3; ++k)
    views.push_back(tessel::wholeMap<const float>(maps[k].data(), channels[k], h, w));
  const int outC = 12;
  std::vector<float> full(size_t(outC) * h * w);
  tessel::concatChannels(views.data(), 3, tessel::wholeMap<float>(full.data(), outC, h, w),
                         Region{0, h, 0, w});
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      int o = 0;
      for (int k = 0; k < 3; ++k)
        for (int c = 0; c < channels[k]; ++c, ++o)
          REQUIRE(full[(size_t(y) * w + x) * outC + o] ==
                  maps[k][(size_t(y) * w + x) * channels[k] + c]);
    }
  }
  expectRegionInvariant(full, outC, h, w, 17, [&](Region r, Random &g, MapView out) {
    const Span ys = widen(g, Span{r.y0, r.y1}, h), xs = widen(g, Span{r.x0, r.x1}, w);
    std::vector<Window> windows;
    std::vector<ConstMapView> inputs;
    for (int k = 0; k < 3; ++k)
      windows.push_back(copyWindow(maps[k], channels[k], h, w, ys.lo, ys.hi, xs.lo, xs.hi));
    for (const auto &win : windows)
      inputs.push_back(win.view);
    tessel::concatChannels(inputs.data(), 3, out, r);
  });
}

TEST_CASE("activateMap") {
  Random rng(18);
  const int c = 6, h = 5, w = 9;
  const std::vector<float> in = rng.vector(size_t(c) * h * w, -8.0f, 8.0f);
  for (Act act : kAllActs) {
    const float alpha = 0.15f;
    auto run = [&](ConstMapView src, MapView out, Region r) {
      withAct(act, [&](auto a) { tessel::activateMap<decltype(a)::value>(src, out, r, alpha); });
    };
    std::vector<float> full(in.size());
    run(tessel::wholeMap<const float>(in.data(), c, h, w),
        tessel::wholeMap<float>(full.data(), c, h, w), Region{0, h, 0, w});
    std::vector<RefValue> ref(in.size());
    for (size_t i = 0; i < in.size(); ++i)
      ref[i] = RefValue{refActivate(act, in[i], alpha), std::fabs(in[i])};
    expectClose(full, ref, std::string("activateMap ") + actName(act));
    expectRegionInvariant(full, c, h, w, 19, [&](Region r, Random &g, MapView out) {
      const Span ys = widen(g, Span{r.y0, r.y1}, h), xs = widen(g, Span{r.x0, r.x1}, w);
      const Window win = copyWindow(in, c, h, w, ys.lo, ys.hi, xs.lo, xs.hi);
      run(win.view, out, r);
    });
    std::vector<float> inPlace = in;
    run(tessel::wholeMap<const float>(inPlace.data(), c, h, w),
        tessel::wholeMap<float>(inPlace.data(), c, h, w), Region{0, h, 0, w});
    CHECK(std::memcmp(inPlace.data(), full.data(), sizeof(float) * full.size()) == 0);
  }
}

// --- Upsampling --------------------------------------------------------------------

namespace {

void checkUpsample(int c, int h, int w, int sH, int sW, uint64_t seed) {
  INFO("upsample c" << c << " " << h << "x" << w << " scale " << sH << "x" << sW);
  Random rng(seed);
  const std::vector<float> inNchw = rng.vector(size_t(c) * h * w);
  const std::vector<float> inHwc = toHwc(inNchw, c, h, w);
  const tessel::UpsampleParams p{c, sH, sW};
  const int outH = h * sH, outW = w * sW;
  std::vector<float> full(size_t(c) * outH * outW);
  tessel::upsampleNearest(p, tessel::wholeMap<const float>(inHwc.data(), c, h, w),
                          tessel::wholeMap<float>(full.data(), c, outH, outW),
                          Region{0, outH, 0, outW});
  // The oracle in compiler/reference; a copy, so equal exactly.
  const std::vector<double> ref =
      tessel::reference::upsampleNearest(tessel::reference::Tensor{{c, h, w}, inNchw}, sH, sW);
  CHECK(toNchw(full, c, outH, outW) == std::vector<float>(ref.begin(), ref.end()));
  expectRegionInvariant(full, c, outH, outW, seed + 1, [&](Region r, Random &, MapView out) {
    // Only the input window the region reads.
    const Window win =
        copyWindow(inHwc, c, h, w, r.y0 / sH, (r.y1 - 1) / sH + 1, r.x0 / sW, (r.x1 - 1) / sW + 1);
    tessel::upsampleNearest(p, win.view, out, r);
  });
}

} // namespace

TEST_CASE("upsampleNearest matches the reference, over regions and windows") {
  struct Size {
    int h, w;
  };
  const Size scales[] = {{1, 1}, {2, 2}, {3, 2}, {1, 3}, {2, 1}};
  const Size sizes[] = {{1, 1}, {5, 7}, {4, 3}, {2, 9}};
  uint64_t seed = 5000;
  for (const Size &scale : scales)
    for (int c : {1, 3, 17})
      for (const Size &size : sizes)
        checkUpsample(c, size.h, size.w, scale.h, scale.w, seed++);
}

TEST_CASE("upsampleNearest copies bits: signed zeros, infinities, NaN") {
  const float in[] = {-0.0f, std::numeric_limits<float>::infinity(),
                      std::numeric_limits<float>::quiet_NaN(), -1.5f};
  float out[4 * 3 * 2];
  const tessel::UpsampleParams p{1, 3, 2};
  tessel::upsampleNearest(p, tessel::wholeMap<const float>(in, 1, 2, 2),
                          tessel::wholeMap<float>(out, 1, 6, 4), Region{0, 6, 0, 4});
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 4; ++x)
      CHECK(std::memcmp(&out[y * 4 + x], &in[(y / 3) * 2 + x / 2], sizeof(float)) == 0);
}

// --- Layout and status -----------------------------------------------------------

TEST_CASE("nchwToHwc and hwcToNchw") {
  Random rng(20);
  for (int c : {1, 3, 8}) {
    for (int h : {1, 4}) {
      for (int w : {1, 5}) {
        const std::vector<float> nchw = rng.vector(size_t(c) * h * w);
        std::vector<float> hwc(nchw.size()), back(nchw.size());
        tessel::nchwToHwc(nchw.data(), hwc.data(), c, h, w);
        CHECK(hwc == toHwc(nchw, c, h, w));
        tessel::hwcToNchw(hwc.data(), back.data(), c, h, w);
        CHECK(back == nchw);
      }
    }
  }
}

// The region forms convert a window of rows and columns through a view that
// holds only part of the map, and leave every other cell alone.
TEST_CASE("nchwToHwcRegion and hwcToNchwRegion: the region's cells only") {
  Random rng(21);
  for (int c : {1, 3, 32}) {
    const int h = 7, w = 9;
    const std::vector<float> nchw = rng.vector(size_t(c) * h * w);
    const std::vector<float> hwc = toHwc(nchw, c, h, w);
    const Region r{2, 5, 3, 8};
    // Into a window view holding rows [1, 6) x columns [2, 9).
    std::vector<float> window(size_t(5) * 7 * c, -1.0f);
    const tessel::MapView view{window.data(), c, h, w, 1, 2, 5, 7};
    tessel::nchwToHwcRegion(nchw.data(), view, r);
    std::vector<float> back(nchw.size(), -1.0f);
    tessel::hwcToNchwRegion(tessel::asConst(view), back.data(), r);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const bool inside = y >= r.y0 && y < r.y1 && x >= r.x0 && x < r.x1;
        for (int k = 0; k < c; ++k) {
          const size_t at = (size_t(k) * h + y) * w + x;
          CHECK(back[at] == (inside ? nchw[at] : -1.0f));
          if (y >= 1 && y < 6 && x >= 2)
            CHECK(view.at(y, x)[k] == (inside ? hwc[(size_t(y) * w + x) * c + k] : -1.0f));
        }
      }
  }
}

TEST_CASE("status codes and arena alignment") {
  CHECK(tessel::kOk == 0);
  CHECK(tessel::kNullArgument == 1);
  CHECK(tessel::kMisalignedArena == 2);
  static_assert(tessel::kArenaAlignment == 64, "generated code assumes 64-byte arenas");
  alignas(64) static unsigned char arena[128];
  CHECK(tessel::isArenaAligned(arena));
  CHECK_FALSE(tessel::isArenaAligned(arena + 4));
}
