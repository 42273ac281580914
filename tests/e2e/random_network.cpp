#include "random_network.h"

#include <algorithm>

namespace e2e {

std::uint64_t Random::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int Random::uniform(int lo, int hi) {
  return lo + int(next() % std::uint64_t(hi - lo + 1));
}

bool Random::chance(double probability) {
  return double(next() >> 11) * (1.0 / 9007199254740992.0) < probability;
}

namespace {

constexpr int kMaxChannels = 8;
constexpr int kAttempts = 20; // draws of one layer before settling for a 1x1 window

struct Map {
  int c, h, w;
};

// A spatial attribute: one value, or [h, w].
struct Pair {
  int h, w;
  std::string text() const {
    return h == w ? std::to_string(h) : "[" + std::to_string(h) + ", " + std::to_string(w) + "]";
  }
};

struct Padding {
  int top = 0, left = 0, bottom = 0, right = 0;
};

// Output size along one axis, as docs/network-format.md ("Output size")
// states it; below 1 when the window does not fit.
int windowOutput(int input, int kernel, int stride, int dilation, int before, int after,
                 bool ceilMode) {
  const int span = input + before + after - (dilation * (kernel - 1) + 1);
  if (span < 0)
    return 0;
  int out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= input + before)
    --out;
  return out;
}

// The padding `same` stands for along one axis: output ceil(input / stride),
// the smaller half before.
std::pair<int, int> samePadding(int input, int kernel, int stride, int dilation) {
  const int out = (input + stride - 1) / stride;
  const int total = std::max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - input);
  return {total / 2, total - total / 2};
}

Pair squarePair(int value) {
  return {value, value};
}

Pair randomPair(Random &random, int lo, int hi, double nonSquare) {
  const int h = random.uniform(lo, hi);
  return {h, random.chance(nonSquare) ? random.uniform(lo, hi) : h};
}

int randomStride(Random &random) {
  const int roll = random.uniform(0, 99);
  return roll < 55 ? 1 : roll < 85 ? 2 : 3;
}

// Explicit padding drawn per side from 0..limitH (top, bottom) and 0..limitW
// (left, right), written in one of the accepted forms.
std::string randomExplicitPadding(Random &random, int limitH, int limitW, Padding &padding) {
  const int form = random.uniform(0, 2);
  if (form == 0) { // one value for every side
    const int p = random.uniform(0, std::min(limitH, limitW));
    padding = {p, p, p, p};
    return std::to_string(p);
  }
  if (form == 1) { // [h, w]
    padding.top = padding.bottom = random.uniform(0, limitH);
    padding.left = padding.right = random.uniform(0, limitW);
    return "[" + std::to_string(padding.top) + ", " + std::to_string(padding.left) + "]";
  }
  padding = {random.uniform(0, limitH), random.uniform(0, limitW), random.uniform(0, limitH),
             random.uniform(0, limitW)};
  return "[" + std::to_string(padding.top) + ", " + std::to_string(padding.left) + ", " +
         std::to_string(padding.bottom) + ", " + std::to_string(padding.right) + "]";
}

const char *randomAlpha(Random &random) {
  static const char *const alphas[] = {"0.2", "0.01", "0.3", "0.125"};
  return alphas[random.uniform(0, 3)];
}

// An `activation` attribute (with its leading ", "), or nothing.
std::string randomActivationAttribute(Random &random) {
  switch (random.uniform(0, 9)) {
  case 0: return ", activation: relu";
  case 1: return ", activation: relu6";
  case 2: return ", activation: leaky";
  case 3: return std::string(", activation: {type: leaky, alpha: ") + randomAlpha(random) + "}";
  case 4: return ", activation: sigmoid";
  case 5: return ", activation: linear";
  case 6: return ", activation: hard_swish";
  case 7:
    return std::string(", activation: {type: hard_sigmoid, alpha: ") + randomAlpha(random) + "}";
  default: return "";
  }
}

std::string randomEpsilon(Random &random) {
  return random.chance(0.3) ? ", epsilon: 0.001" : "";
}

// Attributes of a conv2d reading `in`, or empty if the drawn window does not
// fit; sets `out`.
std::string tryConv(Random &random, const Map &in, Map &out) {
  const Pair kernel = randomPair(random, 1, 5, 0.3);
  const bool writeStride = random.chance(0.7); // else the default, 1
  const Pair stride = !writeStride         ? Pair{1, 1}
                      : random.chance(0.2) ? Pair{randomStride(random), randomStride(random)}
                                           : squarePair(randomStride(random));
  const Pair dilation = random.chance(0.25) ? randomPair(random, 1, 2, 0.5) : Pair{1, 1};
  const int reachH = dilation.h * (kernel.h - 1), reachW = dilation.w * (kernel.w - 1);

  Padding padding;
  std::string paddingAttribute;
  const int form = random.uniform(0, 9);
  if (form < 3) {
    const auto [top, bottom] = samePadding(in.h, kernel.h, stride.h, dilation.h);
    const auto [left, right] = samePadding(in.w, kernel.w, stride.w, dilation.w);
    padding = {top, left, bottom, right};
    paddingAttribute = ", padding: same";
  } else if (form < 5) {
    paddingAttribute = random.chance(0.5) ? ", padding: valid" : "";
  } else {
    // Up to the kernel's reach, so some border windows lie wholly in padding.
    paddingAttribute = ", padding: " + randomExplicitPadding(random, reachH, reachW, padding);
  }
  out.h = windowOutput(in.h, kernel.h, stride.h, dilation.h, padding.top, padding.bottom, false);
  out.w = windowOutput(in.w, kernel.w, stride.w, dilation.w, padding.left, padding.right, false);
  if (out.h < 1 || out.w < 1)
    return {};

  std::string groups;
  const int groupsForm = random.uniform(0, 9);
  if (groupsForm < 2) { // depthwise, channel multiplier 1 or more
    out.c = in.c * random.uniform(1, std::max(1, kMaxChannels / in.c));
    groups = ", groups: depthwise";
  } else if (groupsForm < 4 && in.c > 1) {
    std::vector<int> divisors;
    for (int g = 2; g <= in.c; ++g)
      if (in.c % g == 0)
        divisors.push_back(g);
    const int g = divisors[size_t(random.uniform(0, int(divisors.size()) - 1))];
    out.c = g * random.uniform(1, kMaxChannels / g);
    groups = ", groups: " + std::to_string(g);
  } else {
    out.c = random.uniform(1, kMaxChannels);
  }

  std::string text = "op: conv2d, filters: " + std::to_string(out.c) + ", kernel: " + kernel.text();
  if (writeStride)
    text += ", stride: " + stride.text();
  if (dilation.h != 1 || dilation.w != 1 || random.chance(0.1))
    text += ", dilation: " + dilation.text();
  text += paddingAttribute + groups;
  if (random.chance(0.3))
    text += ", batch_norm: true" + randomEpsilon(random);
  else if (random.chance(0.2))
    text += ", bias: false";
  return text + randomActivationAttribute(random);
}

// Attributes of a maxpool or avgpool reading `in`, or empty if the drawn
// window does not fit; sets `out`.
std::string tryPool(Random &random, const Map &in, Map &out) {
  const bool average = random.chance(0.5);
  const Pair kernel = randomPair(random, 1, 3, 0.25);
  std::string text =
      std::string("op: ") + (average ? "avgpool" : "maxpool") + ", kernel: " + kernel.text();
  Pair stride = kernel; // the default
  if (random.chance(0.7)) {
    stride = random.chance(0.15) ? Pair{randomStride(random), randomStride(random)}
                                 : squarePair(randomStride(random));
    text += ", stride: " + stride.text();
  }

  Padding padding;
  bool ceilMode = false;
  const int form = random.uniform(0, 9);
  if (form == 0) {
    const auto [top, bottom] = samePadding(in.h, kernel.h, stride.h, 1);
    const auto [left, right] = samePadding(in.w, kernel.w, stride.w, 1);
    padding = {top, left, bottom, right};
    text += ", padding: same";
  } else {
    if (form >= 5) // at most half the kernel on each side
      text += ", padding: " + randomExplicitPadding(random, kernel.h / 2, kernel.w / 2, padding);
    if (random.chance(0.35)) {
      ceilMode = true;
      text += ", ceil_mode: true";
    } else if (random.chance(0.1)) {
      text += ", ceil_mode: false";
    }
  }
  if (average && random.chance(0.6))
    text += random.chance(0.5) ? ", count_include_pad: true" : ", count_include_pad: false";
  out.c = in.c;
  out.h = windowOutput(in.h, kernel.h, stride.h, 1, padding.top, padding.bottom, ceilMode);
  out.w = windowOutput(in.w, kernel.w, stride.w, 1, padding.left, padding.right, ceilMode);
  return out.h < 1 || out.w < 1 ? std::string() : text;
}

std::string standaloneActivation(Random &random) {
  switch (random.uniform(0, 7)) {
  case 0: return "op: relu";
  case 1: return "op: relu6";
  case 2: return "op: sigmoid";
  case 3: return "op: leaky";
  case 4: return std::string("op: leaky, alpha: ") + randomAlpha(random);
  case 5: return "op: hard_swish";
  case 6: return "op: hard_sigmoid";
  default: return "op: linear";
  }
}

} // namespace

std::string randomChainNetwork(Random &random, const std::string &name) {
  // Mostly inputs large enough for several windows, sometimes down to 1x1.
  const bool tiny = random.chance(0.25);
  Map map{random.uniform(1, kMaxChannels), random.uniform(tiny ? 1 : 5, 23),
          random.uniform(tiny ? 1 : 5, 19)};
  std::string yaml = "name: " + name + "\ninput: {channels: " + std::to_string(map.c) +
                     ", height: " + std::to_string(map.h) + ", width: " + std::to_string(map.w) +
                     "}\nweights: {random: " + std::to_string(random.next() % 1000000) +
                     "}\nlayers:\n";
  const int layers = random.uniform(2, 8);
  for (int i = 0; i < layers; ++i) {
    const int op = random.uniform(0, 99);
    Map out = map;
    std::string attributes;
    if (op < 50 || op >= 80) {
      const bool conv = op < 50;
      for (int attempt = 0; attempt < kAttempts && attributes.empty(); ++attempt)
        attributes = conv ? tryConv(random, map, out) : tryPool(random, map, out);
      if (attributes.empty()) { // nothing fitted: a window that always does
        attributes = conv ? "op: conv2d, filters: " + std::to_string(map.c) + ", kernel: 1"
                          : "op: maxpool, kernel: 1";
        out = map;
      }
    } else if (op < 70) {
      attributes = standaloneActivation(random);
    } else if (op < 76 && map.h <= 16 && map.w <= 16) {
      const int scaleH = random.uniform(1, 2), scaleW = random.uniform(1, 2);
      attributes =
          "op: upsample, scale: [" + std::to_string(scaleH) + ", " + std::to_string(scaleW) + "]";
      out.h = map.h * scaleH;
      out.w = map.w * scaleW;
    } else {
      // Two draws, so two statements: the operands of + are unsequenced.
      attributes = "op: batch_norm" + randomEpsilon(random);
      attributes += randomActivationAttribute(random);
    }
    yaml += "  - {name: l" + std::to_string(i) + ", " + attributes + "}  # " +
            std::to_string(out.c) + "x" + std::to_string(out.h) + "x" + std::to_string(out.w) +
            "\n";
    map = out;
  }
  return yaml;
}

namespace {

// One random schedule in text form, or empty if every group came out
// `layers`. Layer numbers in the text leave out the input (normalized
// layer i is number i - 1).
std::string randomSchedule(Random &random, const tessel::Network &net) {
  const int lastLayer = int(net.layers.size()) - 1;
  int budget = kMaxKernelCallsPerSchedule;
  std::string text;
  bool fused = false;
  for (int first = 1; first <= lastLayer;) {
    const int last = random.uniform(first, lastLayer);
    const int length = last - first + 1;
    const tessel::Shape &out = net.layers[size_t(last)].output;
    const int perLayer = budget / length; // tiles or stripes this group may use
    std::string kind;
    const int roll = random.uniform(0, 99);
    if (roll < 40 && perLayer >= 1) {
      const int rows = random.uniform(1, std::min(out.h, perLayer));
      const int cols = random.uniform(1, std::min(out.w, perLayer / rows));
      budget -= rows * cols * length;
      kind = "tile" + std::to_string(rows) + "x" + std::to_string(cols);
    } else if (roll < 80 && perLayer >= 1) {
      const int shortest = (out.h + perLayer - 1) / perLayer; // stripes within budget
      const int height = random.uniform(std::min(shortest, out.h), out.h);
      const int stripes = (out.h + height - 1) / height;
      // Column bands, one after another, where the budget allows.
      const int bands = random.chance(0.3)
                            ? random.uniform(1, std::max(1, std::min(out.w, perLayer / stripes)))
                            : 1;
      budget -= stripes * bands * length;
      kind = "stream" + std::to_string(height) + (bands > 1 ? "x" + std::to_string(bands) : "");
    } else if (random.chance(0.5)) {
      kind = "layers"; // written out; otherwise left to the default
    }
    if (!kind.empty()) {
      fused = fused || kind != "layers";
      text += (text.empty() ? "" : ", ") + std::to_string(first - 1) +
              (length > 1 ? "-" + std::to_string(last - 1) : "") + ":" + kind;
    }
    first = last + 1;
  }
  return fused ? text : std::string();
}

} // namespace

std::vector<std::string> randomSchedules(Random &random, const tessel::Network &normalized,
                                         int count) {
  std::vector<std::string> schedules;
  for (int attempt = 0; attempt < 10 * count && int(schedules.size()) < count; ++attempt) {
    std::string schedule = randomSchedule(random, normalized);
    if (!schedule.empty() &&
        std::find(schedules.begin(), schedules.end(), schedule) == schedules.end())
      schedules.push_back(schedule);
  }
  return schedules;
}

} // namespace e2e
