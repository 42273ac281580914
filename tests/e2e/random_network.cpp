#include "random_network.h"

#include "schedule/schedule.h"

#include <algorithm>
#include <tuple>

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

std::string mapText(const Map &map) {
  return std::to_string(map.c) + "x" + std::to_string(map.h) + "x" + std::to_string(map.w);
}

// The lines before `layers:`' items.
std::string networkHeader(Random &random, const std::string &name, const Map &input) {
  return "name: " + name + "\ninput: {channels: " + std::to_string(input.c) +
         ", height: " + std::to_string(input.h) + ", width: " + std::to_string(input.w) +
         "}\nweights: {random: " + std::to_string(random.next() % 1000000) + "}\nlayers:\n";
}

// One layer of a chain reading `map` (randomChainNetwork's draw); sets `out`.
std::string randomChainLayer(Random &random, const Map &map, Map &out) {
  const int op = random.uniform(0, 99);
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
  return attributes;
}

} // namespace

std::string randomChainNetwork(Random &random, const std::string &name) {
  // Mostly inputs large enough for several windows, sometimes down to 1x1.
  const bool tiny = random.chance(0.25);
  Map map{random.uniform(1, kMaxChannels), random.uniform(tiny ? 1 : 5, 23),
          random.uniform(tiny ? 1 : 5, 19)};
  std::string yaml = networkHeader(random, name, map);
  const int layers = random.uniform(2, 8);
  for (int i = 0; i < layers; ++i) {
    Map out = map;
    const std::string attributes = randomChainLayer(random, map, out);
    yaml += "  - {name: l" + std::to_string(i) + ", " + attributes + "}  # " + mapText(out) + "\n";
    map = out;
  }
  return yaml;
}

namespace {

// DAG networks: blocks of branches and the layers joining them.

constexpr int kMaxDagLayers = 16; // no block starts past this many layers

// A map later layers may read: a layer drawn (numbered from 1 as drawn;
// 0 is the input) and its shape.
struct Node {
  int id = 0;
  Map map;
};

// A layer drawn but not written yet.
struct Pending {
  int id = 0;
  std::string attributes; // without name and inputs
  std::vector<int> inputs;
  Map out;
};

// Writes a DAG network's layers. A block draws each of its branches as a
// list of layers and writes them interleaved at random (any order keeping
// each branch's own is topological), so a group of consecutive layers may
// hold parts of several branches; then the layer joining them. Layers are
// named l0, l1, ... in the order written, to read failures easily.
class DagWriter {
public:
  DagWriter(Random &random, const Map &input)
      : random_(random), names_{"input"}, maps_{Node{0, input}} {}

  // A new layer reading `inputs`, appended to `branch`, to be written by
  // write(); returns its map.
  Node add(std::vector<Pending> &branch, const std::string &attributes,
           const std::vector<Node> &inputs, const Map &out) {
    Pending layer{int(names_.size()), attributes, {}, out};
    names_.emplace_back(); // named when written
    for (const Node &input : inputs)
      layer.inputs.push_back(input.id);
    branch.push_back(layer);
    return {layer.id, out};
  }

  // Writes the branches' layers, each time the next layer of a branch
  // drawn at random.
  void write(std::vector<std::vector<Pending>> &branches) {
    std::vector<size_t> next(branches.size(), 0);
    for (;;) {
      std::vector<size_t> open;
      for (size_t b = 0; b < branches.size(); ++b)
        if (next[b] < branches[b].size())
          open.push_back(b);
      if (open.empty())
        break;
      const size_t b = open[size_t(random_.uniform(0, int(open.size()) - 1))];
      writeLine(branches[b][next[b]++]);
    }
  }

  // A layer written right away: a join, or a block of one layer.
  Node writeLayer(const std::string &attributes, const std::vector<Node> &inputs, const Map &out) {
    std::vector<std::vector<Pending>> branches(1);
    const Node node = add(branches[0], attributes, inputs, out);
    write(branches);
    return node;
  }

  int layers() const { return int(maps_.size()) - 1; }
  const std::string &text() const { return text_; }
  // Every map written so far, the input first.
  const std::vector<Node> &maps() const { return maps_; }

private:
  void writeLine(const Pending &layer) {
    const std::string name = "l" + std::to_string(layers());
    text_ += "  - {name: " + name + ", " + layer.attributes;
    // A layer reading just the one written before it needs no `inputs`.
    if (layer.inputs.size() != 1 || layer.inputs[0] != maps_.back().id) {
      text_ += ", inputs: ";
      if (layer.inputs.size() == 1) {
        text_ += names_[size_t(layer.inputs[0])];
      } else {
        text_ += "[";
        for (size_t i = 0; i < layer.inputs.size(); ++i)
          text_ += (i > 0 ? ", " : "") + names_[size_t(layer.inputs[i])];
        text_ += "]";
      }
    }
    text_ += "}  # " + mapText(layer.out) + "\n";
    names_[size_t(layer.id)] = name;
    maps_.push_back({layer.id, layer.out});
  }

  Random &random_;
  std::string text_;
  std::vector<std::string> names_; // by id; empty until written
  std::vector<Node> maps_;
};

template <typename T> void shuffle(Random &random, std::vector<T> &items) {
  for (int i = int(items.size()) - 1; i > 0; --i)
    std::swap(items[size_t(i)], items[size_t(random.uniform(0, i))]);
}

// Padding of `total` cells along one axis, at most `limit` on either side.
std::pair<int, int> splitPadding(Random &random, int total, int limit) {
  const int before = random.uniform(std::max(0, total - limit), std::min(total, limit));
  return {before, total - before};
}

// Explicit padding in the shortest form that says it.
std::string paddingText(const Padding &p) {
  if (p.top == p.bottom && p.left == p.right)
    return p.top == p.left ? std::to_string(p.top)
                           : "[" + std::to_string(p.top) + ", " + std::to_string(p.left) + "]";
  return "[" + std::to_string(p.top) + ", " + std::to_string(p.left) + ", " +
         std::to_string(p.bottom) + ", " + std::to_string(p.right) + "]";
}

int greatestCommonDivisor(int a, int b) {
  return b == 0 ? a : greatestCommonDivisor(b, a % b);
}

// A stride-1 conv2d keeping its input's height and width (padding `same`,
// or explicit padding of the window's reach split at random), with
// `filters` outputs.
std::string keepingConv(Random &random, const Map &in, int filters) {
  const Pair kernel = randomPair(random, 1, 5, 0.3);
  const Pair dilation = random.chance(0.25) ? randomPair(random, 1, 2, 0.5) : Pair{1, 1};
  std::string text =
      "op: conv2d, filters: " + std::to_string(filters) + ", kernel: " + kernel.text();
  if (random.chance(0.3))
    text += ", stride: 1";
  if (dilation.h != 1 || dilation.w != 1)
    text += ", dilation: " + dilation.text();
  const int reachH = dilation.h * (kernel.h - 1), reachW = dilation.w * (kernel.w - 1);
  if (reachH == 0 && reachW == 0 && random.chance(0.5)) {
    // A 1x1 window needs no padding.
  } else if (random.chance(0.4)) {
    text += ", padding: same";
  } else {
    Padding padding;
    std::tie(padding.top, padding.bottom) = splitPadding(random, reachH, reachH);
    std::tie(padding.left, padding.right) = splitPadding(random, reachW, reachW);
    text += ", padding: " + paddingText(padding);
  }
  const int groupsForm = random.uniform(0, 9);
  const int common = greatestCommonDivisor(in.c, filters);
  if (groupsForm < 3 && filters % in.c == 0) {
    text += ", groups: depthwise";
  } else if (groupsForm < 5 && common > 1) {
    std::vector<int> divisors;
    for (int g = 2; g <= common; ++g)
      if (common % g == 0)
        divisors.push_back(g);
    text += ", groups: " +
            std::to_string(divisors[size_t(random.uniform(0, int(divisors.size()) - 1))]);
  }
  if (random.chance(0.3))
    text += ", batch_norm: true" + randomEpsilon(random);
  else if (random.chance(0.2))
    text += ", bias: false";
  return text + randomActivationAttribute(random);
}

// A stride-1 maxpool or avgpool keeping its input's shape.
std::string keepingPool(Random &random) {
  const bool average = random.chance(0.5);
  const Pair kernel = randomPair(random, 1, 3, 0.25);
  std::string text = std::string("op: ") + (average ? "avgpool" : "maxpool") +
                     ", kernel: " + kernel.text() + ", stride: 1";
  if (kernel.h == 1 && kernel.w == 1 && random.chance(0.5)) {
    // A 1x1 window needs no padding.
  } else if (random.chance(0.3)) {
    text += ", padding: same";
  } else {
    // The window's reach split at random, at most half the kernel a side.
    Padding padding;
    std::tie(padding.top, padding.bottom) = splitPadding(random, kernel.h - 1, kernel.h / 2);
    std::tie(padding.left, padding.right) = splitPadding(random, kernel.w - 1, kernel.w / 2);
    text += ", padding: " + paddingText(padding);
    if (random.chance(0.2)) // no effect at stride 1, but allowed
      text += ", ceil_mode: true";
  }
  if (average && random.chance(0.6))
    text += random.chance(0.5) ? ", count_include_pad: true" : ", count_include_pad: false";
  return text;
}

// A layer whose output has its input's shape.
std::string keepingLayer(Random &random, const Map &in) {
  const int roll = random.uniform(0, 99);
  if (roll < 50)
    return keepingConv(random, in, in.c);
  if (roll < 70)
    return keepingPool(random);
  if (roll < 88)
    return standaloneActivation(random);
  std::string text = "op: batch_norm" + randomEpsilon(random);
  return text + randomActivationAttribute(random);
}

// `length` shape-keeping layers after `from` in `branch`; the last one's
// map (`from` itself for none).
Node keepingBranch(DagWriter &writer, Random &random, std::vector<Pending> &branch,
                   const Node &from, int length) {
  Node node = from;
  for (int i = 0; i < length; ++i)
    node = writer.add(branch, keepingLayer(random, node.map), {node}, node.map);
  return node;
}

std::string addAttributes(Random &random) {
  return "op: add" + randomActivationAttribute(random);
}

// One chain layer (randomChainLayer).
Node plainBlock(DagWriter &writer, Random &random, const Node &in) {
  Map out = in.map;
  const std::string attributes = randomChainLayer(random, in.map, out);
  return writer.writeLayer(attributes, {in}, out);
}

// A residual add: `in` and one branch, or two branches with or without
// `in` (an add of three).
Node residualBlock(DagWriter &writer, Random &random, const Node &in) {
  std::vector<std::vector<Pending>> branches(random.chance(0.25) ? 2 : 1);
  std::vector<Node> inputs;
  if (branches.size() == 1 || random.chance(0.6))
    inputs.push_back(in);
  for (std::vector<Pending> &branch : branches)
    inputs.push_back(keepingBranch(writer, random, branch, in, random.uniform(1, 3)));
  writer.write(branches);
  shuffle(random, inputs);
  return writer.writeLayer(addAttributes(random), inputs, in.map);
}

// A residual branch at half the height and/or width: down by a stride-2
// convolution or a pool, back by an upsample (the region algebra then
// traces windows through maps of other sizes inside one group). Needs an
// even height or width.
Node downUpBlock(DagWriter &writer, Random &random, const Node &in) {
  const Pair factor{in.map.h % 2 == 0 ? 2 : 1, in.map.w % 2 == 0 ? 2 : 1};
  const Map small{in.map.c, in.map.h / factor.h, in.map.w / factor.w};
  std::vector<std::vector<Pending>> branches(1);
  std::string down;
  if (random.chance(0.5)) {
    down = "op: conv2d, filters: " + std::to_string(in.map.c) +
           ", kernel: " + randomPair(random, 1, 3, 0.3).text() + ", stride: " + factor.text() +
           ", padding: same";
    down += randomActivationAttribute(random);
  } else { // stride: the kernel
    down = std::string(random.chance(0.5) ? "op: maxpool" : "op: avgpool") +
           ", kernel: " + factor.text();
  }
  Node node = writer.add(branches[0], down, {in}, small);
  node = keepingBranch(writer, random, branches[0], node, random.uniform(0, 1));
  node = writer.add(branches[0], "op: upsample, scale: " + factor.text(), {node}, in.map);
  writer.write(branches);
  std::vector<Node> inputs{in, node};
  shuffle(random, inputs);
  if (2 * in.map.c <= kMaxChannels && random.chance(0.3))
    return writer.writeLayer("op: concat", inputs, {2 * in.map.c, in.map.h, in.map.w});
  return writer.writeLayer(addAttributes(random), inputs, in.map);
}

// A concat of 2-3 branches of `in`'s height and width, each ending in a
// convolution, or `in` itself; at most kMaxChannels channels in all.
Node concatBlock(DagWriter &writer, Random &random, const Node &in) {
  const int count = random.uniform(2, 3);
  std::vector<std::vector<Pending>> branches(static_cast<size_t>(count));
  std::vector<Node> inputs;
  int channels = kMaxChannels; // left for the branches still to draw
  bool withInput = false;
  for (int i = 0; i < count; ++i) {
    const int reserved = count - 1 - i; // a channel for each later branch
    if (!withInput && in.map.c <= channels - reserved && random.chance(0.35)) {
      withInput = true;
      inputs.push_back(in);
      channels -= in.map.c;
      continue;
    }
    Node node = keepingBranch(writer, random, branches[size_t(i)], in, random.uniform(0, 1));
    const int filters = random.uniform(1, channels - reserved);
    node = writer.add(branches[size_t(i)], keepingConv(random, node.map, filters), {node},
                      {filters, in.map.h, in.map.w});
    channels -= filters;
    inputs.push_back(node);
  }
  writer.write(branches);
  shuffle(random, inputs); // the channels' order
  return writer.writeLayer("op: concat", inputs, {kMaxChannels - channels, in.map.h, in.map.w});
}

// An element-wise product of two branches of `in` (or `in` and a branch).
Node multiplyBlock(DagWriter &writer, Random &random, const Node &in) {
  std::vector<std::vector<Pending>> branches(2);
  std::vector<Node> inputs;
  inputs.push_back(keepingBranch(writer, random, branches[0], in,
                                 random.chance(0.4) ? 0 : random.uniform(1, 2)));
  inputs.push_back(keepingBranch(writer, random, branches[1], in, random.uniform(1, 2)));
  writer.write(branches);
  shuffle(random, inputs);
  return writer.writeLayer("op: multiply" + randomActivationAttribute(random), inputs, in.map);
}

const char *gateActivation(Random &random) {
  return random.chance(0.7) ? "sigmoid" : "hard_sigmoid";
}

// Squeeze-and-excitation: global_avgpool, 1x1 convolutions or a
// fully_connected layer and a sigmoid make one factor per channel, which a
// multiply applies to the map; sometimes after a convolution, with the
// block's input added (a MobileNetV3-style block). The global pool needs
// its whole input, so only the layers after it can share a group with the
// multiply.
Node squeezeExciteBlock(DagWriter &writer, Random &random, const Node &in) {
  std::vector<std::vector<Pending>> branches(1);
  std::vector<Pending> &branch = branches[0];
  const bool residual = random.chance(0.35);
  const Node map = residual ? keepingBranch(writer, random, branch, in, 1) : in;
  const int c = map.map.c;
  const Map factorsMap{c, 1, 1};
  const Node squeezed = writer.add(branch, "op: global_avgpool", {map}, factorsMap);
  Node factors;
  switch (random.uniform(0, 2)) {
  case 0: {
    const int reduced = random.uniform(1, c);
    const Node hidden = writer.add(
        branch, "op: conv2d, filters: " + std::to_string(reduced) + ", kernel: 1, activation: relu",
        {squeezed}, {reduced, 1, 1});
    factors = writer.add(branch,
                         "op: conv2d, filters: " + std::to_string(c) +
                             ", kernel: 1, activation: " + gateActivation(random),
                         {hidden}, factorsMap);
    break;
  }
  case 1:
    factors = writer.add(branch,
                         "op: fully_connected, units: " + std::to_string(c) +
                             ", activation: " + gateActivation(random),
                         {squeezed}, factorsMap);
    break;
  default: {
    const Node excited =
        writer.add(branch, "op: conv2d, filters: " + std::to_string(c) + ", kernel: 1", {squeezed},
                   factorsMap);
    factors =
        writer.add(branch, std::string("op: ") + gateActivation(random), {excited}, factorsMap);
    break;
  }
  }
  writer.write(branches);
  // The map first, then the factors.
  const Node scaled = writer.writeLayer("op: multiply" + randomActivationAttribute(random),
                                        {map, factors}, map.map);
  if (!residual)
    return scaled;
  std::vector<Node> inputs{in, scaled};
  shuffle(random, inputs);
  return writer.writeLayer(addAttributes(random), inputs, in.map);
}

// An add or concat of `in` and a map written blocks before (the input
// too) of its height and width: a fork whose readers lie far apart. A
// residual block when there is none. Sometimes `in` with itself, which the
// format allows (a layer reading one map twice).
Node longSkipBlock(DagWriter &writer, Random &random, const Node &in) {
  std::vector<Node> candidates;
  for (const Node &map : writer.maps())
    if (map.id != in.id && map.map.h == in.map.h && map.map.w == in.map.w &&
        (map.map.c == in.map.c || map.map.c + in.map.c <= kMaxChannels))
      candidates.push_back(map);
  if (random.chance(0.1))
    candidates = {in};
  if (candidates.empty())
    return residualBlock(writer, random, in);
  const Node skipped = candidates[size_t(random.uniform(0, int(candidates.size()) - 1))];
  std::vector<Node> inputs{skipped, in};
  shuffle(random, inputs);
  if (skipped.map.c == in.map.c && (2 * in.map.c > kMaxChannels || random.chance(0.5)))
    return writer.writeLayer(addAttributes(random), inputs, in.map);
  return writer.writeLayer("op: concat", inputs, {skipped.map.c + in.map.c, in.map.h, in.map.w});
}

} // namespace

std::string randomDagNetwork(Random &random, const std::string &name) {
  const bool tiny = random.chance(0.25);
  const Map input{random.uniform(1, kMaxChannels), random.uniform(tiny ? 1 : 5, 23),
                  random.uniform(tiny ? 1 : 5, 19)};
  const std::string header = networkHeader(random, name, input);
  DagWriter writer(random, input);
  Node map{0, input};
  const int blocks = random.uniform(2, 5);
  for (int block = 0; block < blocks && writer.layers() < kMaxDagLayers; ++block) {
    const int roll = random.uniform(0, 99);
    if (roll < 15)
      map = plainBlock(writer, random, map);
    else if (roll < 38)
      map = residualBlock(writer, random, map);
    else if (roll < 55)
      map = concatBlock(writer, random, map);
    else if (roll < 65)
      map = squeezeExciteBlock(writer, random, map);
    else if (roll < 72)
      map = multiplyBlock(writer, random, map);
    else if (roll < 85)
      map = longSkipBlock(writer, random, map);
    else if (map.map.h % 2 == 0 || map.map.w % 2 == 0)
      map = downUpBlock(writer, random, map);
    else
      map = residualBlock(writer, random, map);
  }
  return header + writer.text();
}

namespace {

// A tile grid for a group of `length` layers ending in `out`, within the
// kernel-call budget (`perLayer` tiles, at least 1); takes its calls from
// `budget`.
std::string tileKind(Random &random, const tessel::Shape &out, int length, int perLayer,
                     int &budget) {
  const int rows = random.uniform(1, std::min(out.h, perLayer));
  const int cols = random.uniform(1, std::min(out.w, perLayer / rows));
  budget -= rows * cols * length;
  return "tile" + std::to_string(rows) + "x" + std::to_string(cols);
}

// A stripe height (and column bands) likewise.
std::string streamKind(Random &random, const tessel::Shape &out, int length, int perLayer,
                       int &budget) {
  const int shortest = (out.h + perLayer - 1) / perLayer; // stripes within budget
  const int height = random.uniform(std::min(shortest, out.h), out.h);
  const int stripes = (out.h + height - 1) / height;
  // Column bands, one after another, where the budget allows.
  const int bands =
      random.chance(0.3) ? random.uniform(1, std::max(1, std::min(out.w, perLayer / stripes))) : 1;
  budget -= stripes * bands * length;
  return "stream" + std::to_string(height) + (bands > 1 ? "x" + std::to_string(bands) : "");
}

std::string groupText(int first, int last, const std::string &kind) {
  // Layer numbers in the text leave out the input (normalized layer i is
  // number i - 1).
  return std::to_string(first - 1) + (last > first ? "-" + std::to_string(last - 1) : "") + ":" +
         kind;
}

// One random schedule for a chain in text form, or empty if every group
// came out `layers`.
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
    if (roll < 40 && perLayer >= 1)
      kind = tileKind(random, out, length, perLayer, budget);
    else if (roll < 80 && perLayer >= 1)
      kind = streamKind(random, out, length, perLayer, budget);
    else if (random.chance(0.5))
      kind = "layers"; // written out; otherwise left to the default
    if (!kind.empty()) {
      fused = fused || kind != "layers";
      text += (text.empty() ? "" : ", ") + groupText(first, last, kind);
    }
    first = last + 1;
  }
  return fused ? text : std::string();
}

// Whether the compiler accepts layers first..last as one tile or stream
// group (the others `layers`): validateSchedule has the last word, so the
// test follows the compiler's rules rather than restating them.
bool fusible(const tessel::Network &net, int first, int last) {
  const int layerCount = int(net.layers.size());
  tessel::NetworkSchedule schedule;
  if (first > 1)
    schedule.groups.push_back({1, first - 1, tessel::LayerByLayer{}});
  schedule.groups.push_back({first, last, tessel::TileGrid{}}); // 1x1 fits any output
  if (last + 1 < layerCount)
    schedule.groups.push_back({last + 1, layerCount - 1, tessel::LayerByLayer{}});
  if (llvm::Error error = tessel::validateSchedule(schedule, net)) {
    llvm::consumeError(std::move(error));
    return false;
  }
  return true;
}

struct DrawnSchedule {
  std::string text; // empty if every group came out `layers`
  FusedGroupCounts counts;
};

// "channels2" or "tile2x1+channels3": slices x tiles x length kernel calls
// at most, within `perLayer` calls a layer.
std::string channelKind(Random &random, const tessel::Shape &out, int length, int perLayer,
                        int &budget) {
  const int slices = random.uniform(2, std::min(3, perLayer));
  const int rows = std::min({out.h, perLayer / slices, random.uniform(1, 2)});
  budget -= rows * slices * length;
  const std::string split = "channels" + std::to_string(slices);
  return rows == 1 ? split : "tile" + std::to_string(rows) + "x1+" + split;
}

DrawnSchedule randomDagSchedule(Random &random, const tessel::Network &net) {
  const int lastLayer = int(net.layers.size()) - 1;
  int budget = kMaxKernelCallsPerSchedule;
  DrawnSchedule drawn;
  for (int first = 1; first <= lastLayer;) {
    // The ends a tile or stream group starting here may have; those that
    // make it span a fork and its join are what this test is for.
    std::vector<int> ends, spanningEnds;
    for (int last = first; last <= lastLayer; ++last)
      if (fusible(net, first, last)) {
        ends.push_back(last);
        if (spansBranches(net, first, last))
          spanningEnds.push_back(last);
      }
    int last = first;
    std::string kind;
    if (!ends.empty() && random.chance(0.8)) {
      const std::vector<int> &from =
          !spanningEnds.empty() && random.chance(0.7) ? spanningEnds : ends;
      last = from[size_t(random.uniform(0, int(from.size()) - 1))];
      const int length = last - first + 1;
      const int perLayer = budget / length; // tiles or stripes this group may use
      if (perLayer >= 1) {
        const tessel::Shape &out = net.layers[size_t(last)].output;
        kind = random.chance(0.5) ? tileKind(random, out, length, perLayer, budget)
                                  : streamKind(random, out, length, perLayer, budget);
        if (random.chance(0.3) && !tessel::slicedRuns(net, first, last).empty() &&
            perLayer >= 2) // a channel split, in one or two rows of tiles
          kind = channelKind(random, out, length, perLayer, budget);
        else if (random.chance(0.2))
          kind += "/split";
        ++drawn.counts.fused;
        drawn.counts.spanning += spansBranches(net, first, last) ? 1 : 0;
      }
    } else {
      last = random.uniform(first, std::min(lastLayer, first + 2));
    }
    if (kind.empty() && random.chance(0.5))
      kind = "layers"; // written out; otherwise left to the default
    if (!kind.empty())
      drawn.text += (drawn.text.empty() ? "" : ", ") + groupText(first, last, kind);
    first = last + 1;
  }
  if (drawn.counts.fused == 0)
    drawn.text.clear();
  return drawn;
}

} // namespace

bool spansBranches(const tessel::Network &net, int first, int last) {
  for (int i = first + 1; i <= last; ++i) {
    std::vector<int> inside; // distinct maps made in the group that layer i reads
    for (int input : net.layers[size_t(i)].inputs)
      if (input >= first && std::find(inside.begin(), inside.end(), input) == inside.end())
        inside.push_back(input);
    if (inside.size() >= 2)
      return true;
  }
  return false;
}

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

std::vector<std::string> randomDagSchedules(Random &random, const tessel::Network &normalized,
                                            int count, FusedGroupCounts &counts) {
  std::vector<std::string> schedules;
  for (int attempt = 0; attempt < 10 * count && int(schedules.size()) < count; ++attempt) {
    DrawnSchedule drawn = randomDagSchedule(random, normalized);
    if (!drawn.text.empty() &&
        std::find(schedules.begin(), schedules.end(), drawn.text) == schedules.end()) {
      schedules.push_back(drawn.text);
      counts.fused += drawn.counts.fused;
      counts.spanning += drawn.counts.spanning;
    }
  }
  return schedules;
}

} // namespace e2e
