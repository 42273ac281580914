// Region algebra (analysis/regions.h): hand-computed needs, a brute-force
// check of inputNeed against the dependences the reference executor shows,
// balanced splits, and tile traces through a shipped network.
#include "analysis/regions.h"
#include "analysis/shape_inference.h"
#include "frontend/load_network.h"
#include "frontend/splitmix64.h"
#include "reference/run_reference.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace tessel;

namespace doctest {
template <> struct StringMaker<MapRegion> {
  static String convert(const MapRegion &region) { return formatRegion(region).c_str(); }
};
template <> struct StringMaker<AxisRange> {
  static String convert(const AxisRange &range) {
    return fmt::format("[{}, {})", range.begin, range.end).c_str();
  }
};
} // namespace doctest

namespace {

// ---------------------------------------------------------------------------
// Single-layer networks built by hand

bool inferred(Network &network) {
  if (llvm::Error error = inferShapes(network)) {
    llvm::consumeError(std::move(error));
    return false;
  }
  return true;
}

// A network of just its input layer; shapes still to infer.
Network inputOnly(Shape input) {
  Network network;
  network.name = "regions";
  network.inputShape = input;
  Layer inputLayer;
  inputLayer.name = "input";
  inputLayer.op = OpKind::Input;
  network.layers.push_back(inputLayer);
  return network;
}

// The network input followed by `layer`, which reads the input `inputCount`
// times (add and concat need two or more inputs); shapes still to infer.
Network singleLayer(Shape input, Layer layer, int inputCount = 1) {
  Network network = inputOnly(input);
  layer.name = opName(layer.op);
  layer.inputs.assign(size_t(inputCount), 0);
  network.layers.push_back(layer);
  return network;
}

Network inferredSingleLayer(Shape input, Layer layer) {
  Network network = singleLayer(input, std::move(layer));
  REQUIRE(inferred(network));
  return network;
}

Layer convLayer(int kernelH, int kernelW, int stride, Padding padding, int dilation = 1) {
  Layer layer;
  layer.op = OpKind::Conv2d;
  ConvAttrs &conv = layer.conv();
  conv.outChannels = 1;
  conv.window.kernelH = kernelH;
  conv.window.kernelW = kernelW;
  conv.window.strideH = conv.window.strideW = stride;
  conv.window.dilationH = conv.window.dilationW = dilation;
  conv.window.padding = padding;
  return layer;
}

Layer sameConvLayer(int kernel, int stride) {
  Layer layer = convLayer(kernel, kernel, stride, {});
  layer.conv().window.samePadding = true;
  return layer;
}

Layer poolLayer(OpKind op, int kernel, int stride, Padding padding = {}, bool ceilMode = false) {
  Layer layer;
  layer.op = op;
  PoolAttrs &pool = layer.pool();
  pool.window.kernelH = pool.window.kernelW = kernel;
  pool.window.strideH = pool.window.strideW = stride;
  pool.window.padding = padding;
  pool.window.ceilMode = ceilMode;
  return layer;
}

// What layer 1 reads from the network input for `output`.
InputNeed needOf(const Network &network, const MapRegion &output) {
  return inputNeed(network, 1, 0, output);
}

// `pads` lists the expected reach beyond each border.
void checkNeed(const InputNeed &need, const MapRegion &region, const Padding &pads) {
  CHECK(need.region == region);
  CHECK(need.padTop == pads.top);
  CHECK(need.padLeft == pads.left);
  CHECK(need.padBottom == pads.bottom);
  CHECK(need.padRight == pads.right);
}

} // namespace

// ---------------------------------------------------------------------------
// Hand-computed cases

TEST_CASE("3x3 stride-1 conv with padding 1: one row and column of halo, padding at the borders") {
  const Network network = inferredSingleLayer({1, 8, 8}, convLayer(3, 3, 1, {1, 1, 1, 1}));
  REQUIRE(network.layers[1].output == Shape{1, 8, 8});
  SUBCASE("inside the map") {
    checkNeed(needOf(network, {2, 5, 3, 6}), {1, 6, 2, 7}, {});
  }
  SUBCASE("top-left corner") {
    checkNeed(needOf(network, {0, 2, 0, 3}), {0, 3, 0, 4}, {1, 1, 0, 0});
  }
  SUBCASE("bottom-right corner") {
    checkNeed(needOf(network, {6, 8, 5, 8}), {5, 8, 4, 8}, {0, 0, 1, 1});
  }
  SUBCASE("a full-width stripe touches the left and right borders") {
    checkNeed(needOf(network, {3, 5, 0, 8}), {2, 6, 0, 8}, {0, 1, 0, 1});
  }
  SUBCASE("the whole map") {
    checkNeed(needOf(network, {0, 8, 0, 8}), {0, 8, 0, 8}, {1, 1, 1, 1});
  }
}

TEST_CASE("3x3 stride-2 conv with same padding (0 before, 1 after)") {
  const Network network = inferredSingleLayer({1, 8, 8}, sameConvLayer(3, 2));
  REQUIRE(network.layers[1].output == Shape{1, 4, 4});
  // Output rows 1..2 start their windows at rows 2 and 4.
  checkNeed(needOf(network, {1, 3, 0, 4}), {2, 7, 0, 8}, {0, 0, 0, 1});
  checkNeed(needOf(network, {3, 4, 3, 4}), {6, 8, 6, 8}, {0, 0, 1, 1});
}

TEST_CASE("2x2 stride-2 maxpool reads exactly twice the rows and columns") {
  const Network network = inferredSingleLayer({1, 8, 8}, poolLayer(OpKind::MaxPool, 2, 2));
  checkNeed(needOf(network, {1, 3, 2, 4}), {2, 6, 4, 8}, {});
  checkNeed(needOf(network, {0, 4, 0, 4}), {0, 8, 0, 8}, {});
}

TEST_CASE("1x1 stride-2 conv: the box spans the skipped rows, and is tight at the border") {
  SUBCASE("no padding: rows 2 and 4 are read, row 3 lies in the box") {
    const Network network = inferredSingleLayer({1, 7, 7}, convLayer(1, 1, 2, {}));
    REQUIRE(network.layers[1].output == Shape{1, 4, 4});
    checkNeed(needOf(network, {1, 3, 0, 4}), {2, 5, 0, 7}, {});
  }
  SUBCASE("padding 1: output 0 reads only padding, so the box starts at row 1, not 0") {
    const Network network = inferredSingleLayer({1, 7, 7}, convLayer(1, 1, 2, {1, 1, 1, 1}));
    REQUIRE(network.layers[1].output == Shape{1, 5, 5});
    checkNeed(needOf(network, {0, 2, 2, 3}), {1, 2, 3, 4}, {1, 0, 0, 0});
    // The first output row reads row -1 alone: nothing inside the map.
    checkNeed(needOf(network, {0, 1, 0, 5}), {}, {1, 1, 0, 1});
  }
}

TEST_CASE("dilation 2") {
  SUBCASE("padding 2: the window reaches two rows above the map") {
    const Network network = inferredSingleLayer({1, 9, 9}, convLayer(3, 3, 1, {2, 2, 2, 2}, 2));
    REQUIRE(network.layers[1].output == Shape{1, 9, 9});
    // Row taps -2, 0, 2; columns 2..7 for outputs 4..5.
    checkNeed(needOf(network, {0, 1, 4, 6}), {0, 3, 2, 8}, {2, 0, 0, 0});
  }
  SUBCASE("padding 1: output row 0 reads rows -1, 1, 3, so row 0 is not in the box") {
    const Network network = inferredSingleLayer({1, 6, 6}, convLayer(3, 3, 1, {1, 1, 1, 1}, 2));
    REQUIRE(network.layers[1].output == Shape{1, 4, 4});
    // Columns: outputs 0..3 read -1..6, of which 0..5 lie in the map.
    checkNeed(needOf(network, {0, 1, 0, 4}), {1, 4, 0, 6}, {1, 1, 0, 1});
  }
}

TEST_CASE("yolov2-tiny's stride-1 2x2 maxpool padded only at the bottom and right") {
  const Network network =
      inferredSingleLayer({1, 13, 13}, poolLayer(OpKind::MaxPool, 2, 1, {0, 0, 1, 1}));
  REQUIRE(network.layers[1].output == Shape{1, 13, 13});
  checkNeed(needOf(network, {0, 4, 0, 4}), {0, 5, 0, 5}, {});
  checkNeed(needOf(network, {12, 13, 0, 13}), {12, 13, 0, 13}, {0, 0, 1, 1});
}

TEST_CASE("ceil_mode pooling") {
  SUBCASE("the last window hangs past the padded extent: the reach exceeds the padding") {
    // 6 rows, kernel 3, stride 2, padding 1: windows start at -1, 1, 3, 5;
    // the last covers row 5, padding row 6 and row 7 beyond the padding.
    const Network network =
        inferredSingleLayer({1, 6, 6}, poolLayer(OpKind::MaxPool, 3, 2, {1, 1, 1, 1}, true));
    REQUIRE(network.layers[1].output == Shape{1, 4, 4});
    checkNeed(needOf(network, {3, 4, 0, 1}), {5, 6, 0, 2}, {0, 1, 2, 0});
    checkNeed(needOf(network, {0, 4, 0, 4}), {0, 6, 0, 6}, {1, 1, 2, 2});
  }
  SUBCASE("a window that would start in the padding is dropped, so none reaches past it") {
    // 3 rows, kernel 2, stride 2, padding 1: a third window would start at
    // padding row 3; the PyTorch rule drops it.
    const Network network =
        inferredSingleLayer({1, 3, 3}, poolLayer(OpKind::AvgPool, 2, 2, {1, 1, 1, 1}, true));
    REQUIRE(network.layers[1].output == Shape{1, 2, 2});
    checkNeed(needOf(network, {1, 2, 1, 2}), {1, 3, 1, 3}, {});
    checkNeed(needOf(network, {0, 1, 0, 2}), {0, 1, 0, 3}, {1, 1, 0, 0});
  }
}

TEST_CASE("7x1 and 1x7 kernels keep the axes apart") {
  SUBCASE("7x1") {
    const Network network = inferredSingleLayer({1, 10, 5}, convLayer(7, 1, 1, {3, 0, 3, 0}));
    REQUIRE(network.layers[1].output == Shape{1, 10, 5});
    checkNeed(needOf(network, {0, 2, 1, 3}), {0, 5, 1, 3}, {3, 0, 0, 0});
  }
  SUBCASE("1x7") {
    const Network network = inferredSingleLayer({1, 5, 10}, convLayer(1, 7, 1, {0, 3, 0, 3}));
    checkNeed(needOf(network, {2, 3, 8, 10}), {2, 3, 5, 10}, {0, 0, 0, 3});
  }
}

TEST_CASE("element-wise ops need the same region, whole-map ops the whole input") {
  // input 2x6x6 -> relu -> add(input, relu) -> concat(input, add) -> bn
  //   -> global_avgpool -> fc -> softmax
  Network network = inputOnly({2, 6, 6});
  auto append = [&](OpKind op, std::vector<int> inputs) {
    Layer layer;
    layer.name = fmt::format("layer{}", network.layers.size());
    layer.op = op;
    layer.inputs = std::move(inputs);
    if (op == OpKind::FullyConnected)
      layer.fc().outFeatures = 5;
    network.layers.push_back(layer);
    return int(network.layers.size()) - 1;
  };
  const int relu = append(OpKind::Activation, {0});
  const int add = append(OpKind::Add, {0, relu});
  const int concat = append(OpKind::Concat, {0, add});
  const int batchNorm = append(OpKind::BatchNorm, {concat});
  const int pooled = append(OpKind::GlobalAvgPool, {batchNorm});
  const int fc = append(OpKind::FullyConnected, {pooled});
  const int softmax = append(OpKind::Softmax, {fc});
  REQUIRE(inferred(network));

  const MapRegion tile{1, 3, 2, 5};
  for (int layer : {relu, batchNorm})
    checkNeed(inputNeed(network, layer, 0, tile), tile, {});
  for (int layer : {add, concat})
    for (int input : {0, 1})
      checkNeed(inputNeed(network, layer, input, tile), tile, {});
  checkNeed(inputNeed(network, pooled, 0, {0, 1, 0, 1}), {0, 6, 0, 6}, {});
  checkNeed(inputNeed(network, fc, 0, {0, 1, 0, 1}), {0, 1, 0, 1}, {});
  checkNeed(inputNeed(network, softmax, 0, {0, 1, 0, 1}), {0, 1, 0, 1}, {});
  SUBCASE("an empty output region needs nothing") {
    checkNeed(inputNeed(network, relu, 0, {2, 2, 0, 6}), {}, {});
    checkNeed(inputNeed(network, pooled, 0, {0, 0, 0, 1}), {}, {});
  }
}

TEST_CASE("which ops can compute part of their output") {
  for (OpKind op : {OpKind::Conv2d, OpKind::MaxPool, OpKind::AvgPool, OpKind::BatchNorm,
                    OpKind::Activation, OpKind::Add, OpKind::Concat}) {
    CAPTURE(opName(op));
    CHECK(isSpatiallyTileable(op));
  }
  for (OpKind op :
       {OpKind::Input, OpKind::GlobalAvgPool, OpKind::FullyConnected, OpKind::Softmax}) {
    CAPTURE(opName(op));
    CHECK_FALSE(isSpatiallyTileable(op));
  }
}

TEST_CASE("neededInputRange is the unclamped span of the windows") {
  CHECK(neededInputRange(0, 1, 3, 1, 1, 1) == AxisRange{-1, 2});
  CHECK(neededInputRange(2, 5, 3, 2, 1, 0) == AxisRange{4, 11});
  CHECK(neededInputRange(1, 2, 3, 1, 3, 3) == AxisRange{-2, 5});
  CHECK(neededInputRange(4, 4, 3, 2, 1, 1).size() == 0);
}

TEST_CASE("wholeMap and formatRegion") {
  CHECK(wholeMap(Shape{3, 5, 7}) == MapRegion{0, 5, 0, 7});
  CHECK(formatRegion({1, 2, 3, 4}) == "rows [1, 2) x cols [3, 4)");
  CHECK(MapRegion{2, 2, 0, 5}.empty());
  CHECK(MapRegion{0, 5, 3, 1}.empty());
  CHECK_FALSE(MapRegion{0, 1, 0, 1}.empty());
}

// ---------------------------------------------------------------------------
// balancedSplit

TEST_CASE("balancedSplit: hand-computed splits") {
  CHECK(balancedSplit(10, 3) == std::vector<AxisRange>{{0, 3}, {3, 6}, {6, 10}});
  CHECK(balancedSplit(7, 2) == std::vector<AxisRange>{{0, 3}, {3, 7}});
  CHECK(balancedSplit(1, 1) == std::vector<AxisRange>{{0, 1}});
  CHECK(balancedSplit(4, 4) == std::vector<AxisRange>{{0, 1}, {1, 2}, {2, 3}, {3, 4}});
  // More parts than cells: some pieces are empty.
  CHECK(balancedSplit(1, 3) == std::vector<AxisRange>{{0, 0}, {0, 0}, {0, 1}});
}

TEST_CASE("balancedSplit: consecutive, balanced, never empty while parts <= n") {
  for (int n = 0; n <= 60; ++n) {
    for (int parts = 1; parts <= 64; ++parts) {
      CAPTURE(n);
      CAPTURE(parts);
      const std::vector<AxisRange> pieces = balancedSplit(n, parts);
      REQUIRE(pieces.size() == size_t(parts));
      CHECK(pieces.front().begin == 0);
      CHECK(pieces.back().end == n);
      int64_t smallest = n, largest = 0;
      for (int k = 0; k < parts; ++k) {
        CHECK(pieces[size_t(k)].begin == int64_t(k) * n / parts);
        if (k > 0)
          CHECK(pieces[size_t(k)].begin == pieces[size_t(k - 1)].end);
        smallest = std::min(smallest, pieces[size_t(k)].size());
        largest = std::max(largest, pieces[size_t(k)].size());
      }
      CHECK(largest - smallest <= 1);
      if (parts <= n)
        CHECK(smallest >= 1);
    }
  }
}

// ---------------------------------------------------------------------------
// Brute force against the reference executor
//
// For a random layer, raise one whole input row (every channel and column) by
// a large amount, run the reference, and see whether any output inside a
// region changes; likewise for columns. The rows whose change shows are the
// rows the region depends on, and inputNeed's region must be exactly their
// bounding box: (a) every dependent row lies inside it, and (b) its first and
// last rows are dependent. The raise is positive and conv weights are
// positive, so no dependence can hide: a max can only grow, a sum of
// positive terms cannot cancel, and the activations used are monotonic and
// do not saturate over the range the values take.
//
// Padding cannot be perturbed, so the reach beyond the borders is probed on a
// twin layer: the same window without padding, over an input enlarged by the
// padding on every side (and extra rows for ceil_mode overhangs), with the
// output shape kept. Its dependent rows, shifted back, give the unclamped
// reach of the windows.

namespace {

class Random {
public:
  explicit Random(uint64_t seed) : generator_(seed) {}

  int between(int low, int high) { // inclusive
    return low + int(generator_.next() % uint64_t(high - low + 1));
  }
  bool percent(int chance) { return between(0, 99) < chance; }
  float uniform(float low, float high) { return low + (high - low) * generator_.nextUnit(); }
  template <typename T> T pick(std::initializer_list<T> choices) {
    return choices.begin()[between(0, int(choices.size()) - 1)];
  }

private:
  SplitMix64 generator_;
};

constexpr float kRaise = 1000.0f;

Layer randomConv(Random &random, int inChannels) {
  Layer layer;
  layer.op = OpKind::Conv2d;
  ConvAttrs &conv = layer.conv();
  conv.window.kernelH = random.between(1, 4);
  conv.window.kernelW = random.between(1, 4);
  conv.window.strideH = random.between(1, 3);
  conv.window.strideW = random.between(1, 3);
  conv.window.dilationH = random.percent(60) ? 1 : random.between(2, 3);
  conv.window.dilationW = random.percent(60) ? 1 : random.between(2, 3);
  std::vector<int> divisors;
  for (int groups = 1; groups <= inChannels; ++groups)
    if (inChannels % groups == 0)
      divisors.push_back(groups);
  conv.groups = divisors[size_t(random.between(0, int(divisors.size()) - 1))];
  conv.outChannels = conv.groups * random.between(1, 2);
  if (random.percent(20))
    conv.window.samePadding = true;
  else
    conv.window.padding = {random.between(0, 3), random.between(0, 3), random.between(0, 3),
                           random.between(0, 3)};
  conv.bias = random.percent(50);
  layer.activation.kind =
      random.pick({ActivationKind::Linear, ActivationKind::Leaky, ActivationKind::Relu});
  return layer;
}

Layer randomPool(Random &random, OpKind op) {
  Layer layer;
  layer.op = op;
  PoolAttrs &pool = layer.pool();
  pool.window.kernelH = random.between(1, 4);
  pool.window.kernelW = random.between(1, 4);
  pool.window.strideH = random.between(1, 3);
  pool.window.strideW = random.between(1, 3);
  pool.window.ceilMode = random.percent(50);
  if (!pool.window.ceilMode && random.percent(20))
    pool.window.samePadding = true;
  else
    pool.window.padding = {
        random.between(0, pool.window.kernelH / 2), random.between(0, pool.window.kernelW / 2),
        random.between(0, pool.window.kernelH / 2), random.between(0, pool.window.kernelW / 2)};
  pool.countIncludePad = random.percent(50);
  return layer;
}

// Parameters in ranges that keep every dependence visible (see above).
void fillWeights(Random &random, Network &network) {
  Layer &layer = network.layers[1];
  const Shape &in = network.inputShape;
  auto values = [&](size_t count, float low, float high) {
    std::vector<float> result(count);
    for (float &value : result)
      value = random.uniform(low, high);
    return result;
  };
  if (layer.op == OpKind::Conv2d) {
    const ConvAttrs &conv = layer.conv();
    layer.weights.weight = values(size_t(conv.outChannels) * size_t(in.c / conv.groups) *
                                      size_t(conv.window.kernelH * conv.window.kernelW),
                                  0.1f, 1.0f);
    if (conv.bias)
      layer.weights.bias = values(size_t(conv.outChannels), -1, 1);
  }
  if (layer.op == OpKind::BatchNorm) {
    const size_t channels = size_t(in.c);
    layer.weights.gamma = values(channels, 0.5f, 1.5f);
    layer.weights.beta = values(channels, -1, 1);
    layer.weights.mean = values(channels, -1, 1);
    layer.weights.variance = values(channels, 0.5f, 1.5f);
  }
}

// A random well-formed single-layer network with its weights.
Network randomSingleLayer(Random &random) {
  for (;;) {
    const Shape input{random.between(1, 4), random.between(1, 9), random.between(1, 9)};
    const OpKind op =
        random.pick({OpKind::Conv2d, OpKind::Conv2d, OpKind::Conv2d, OpKind::MaxPool,
                     OpKind::MaxPool, OpKind::AvgPool, OpKind::AvgPool, OpKind::Activation,
                     OpKind::BatchNorm, OpKind::Add, OpKind::Concat});
    Layer layer;
    layer.op = op;
    int inputCount = 1;
    switch (op) {
    case OpKind::Conv2d: layer = randomConv(random, input.c); break;
    case OpKind::MaxPool:
    case OpKind::AvgPool: layer = randomPool(random, op); break;
    case OpKind::Activation:
      layer.activation.kind =
          random.pick({ActivationKind::Linear, ActivationKind::Relu, ActivationKind::Relu6,
                       ActivationKind::Leaky, ActivationKind::Sigmoid, ActivationKind::HardSigmoid,
                       ActivationKind::HardSwish});
      break;
    case OpKind::Add:
    case OpKind::Concat: inputCount = random.between(2, 3); break;
    default: break;
    }
    Network network = singleLayer(input, layer, inputCount);
    if (!inferred(network))
      continue; // the window does not fit: draw again
    fillWeights(random, network);
    return network;
  }
}

std::string describe(const Network &network) {
  const Layer &layer = network.layers[1];
  const Shape &in = network.inputShape, &out = layer.output;
  std::string text = fmt::format("{} {}x{}x{} -> {}x{}x{}", opName(layer.op), in.c, in.h, in.w,
                                 out.c, out.h, out.w);
  if (layer.op == OpKind::Conv2d) {
    const ConvAttrs &c = layer.conv();
    text += fmt::format(", kernel {}x{}, stride {}x{}, dilation {}x{}, groups {}, padding "
                        "[{}, {}, {}, {}]",
                        c.window.kernelH, c.window.kernelW, c.window.strideH, c.window.strideW,
                        c.window.dilationH, c.window.dilationW, c.groups, c.window.padding.top,
                        c.window.padding.left, c.window.padding.bottom, c.window.padding.right);
  }
  if (layer.op == OpKind::MaxPool || layer.op == OpKind::AvgPool) {
    const PoolAttrs &p = layer.pool();
    text += fmt::format(", kernel {}x{}, stride {}x{}, padding [{}, {}, {}, {}], ceil_mode {}",
                        p.window.kernelH, p.window.kernelW, p.window.strideH, p.window.strideW,
                        p.window.padding.top, p.window.padding.left, p.window.padding.bottom,
                        p.window.padding.right, p.window.ceilMode);
  }
  return text;
}

bool isWindowOp(OpKind op) {
  return op == OpKind::Conv2d || op == OpKind::MaxPool || op == OpKind::AvgPool;
}

// The sliding window of a conv or pool layer (pools have dilation 1).
struct WindowAttrs {
  int kernelH, kernelW, strideH, strideW, dilationH, dilationW;
  Padding padding;
};

WindowAttrs windowOf(const Layer &layer) {
  if (layer.op == OpKind::Conv2d) {
    const ConvAttrs &c = layer.conv();
    return {c.window.kernelH,   c.window.kernelW,   c.window.strideH, c.window.strideW,
            c.window.dilationH, c.window.dilationW, c.window.padding};
  }
  const PoolAttrs &p = layer.pool();
  return {p.window.kernelH, p.window.kernelW, p.window.strideH, p.window.strideW, 1, 1,
          p.window.padding};
}

// The twin described above: padding turned into input cells. Its shapes are
// set by hand, since the output must keep the original size.
Network paddingAsInput(const Network &network) {
  const WindowAttrs window = windowOf(network.layers[1]);
  const Padding &pad = window.padding;
  const Shape &in = network.inputShape;
  // More rows below than any window reaches, ceil_mode overhang included.
  const Shape enlarged{
      in.c, pad.top + in.h + pad.bottom + window.kernelH * window.dilationH + window.strideH,
      pad.left + in.w + pad.right + window.kernelW * window.dilationW + window.strideW};
  Network twin = network;
  twin.inputShape = enlarged;
  twin.layers[0].output = enlarged;
  Layer &layer = twin.layers[1];
  (layer.op == OpKind::Conv2d ? layer.conv().window.padding : layer.pool().window.padding) = {};
  return twin;
}

// The outputs of a one-layer network, as given and with each input row (and
// each column) raised by kRaise in turn.
struct RaisedOutputs {
  Shape output;
  std::vector<float> baseline;
  std::vector<std::vector<float>> byRow, byColumn;
};

RaisedOutputs raiseEachRowAndColumn(const Network &network, Random &random) {
  const Shape in = network.inputShape;
  std::vector<float> input(size_t(in.elements()));
  for (float &value : input)
    value = random.uniform(-1, 1);
  auto run = [&](const std::vector<float> &values) {
    return runReferenceAllLayers(network, values).back();
  };
  RaisedOutputs result;
  result.output = network.layers[1].output;
  result.baseline = run(input);
  for (int y = 0; y < in.h; ++y) {
    std::vector<float> raised = input;
    for (int c = 0; c < in.c; ++c)
      for (int x = 0; x < in.w; ++x)
        raised[size_t((c * in.h + y) * in.w + x)] += kRaise;
    result.byRow.push_back(run(raised));
  }
  for (int x = 0; x < in.w; ++x) {
    std::vector<float> raised = input;
    for (int c = 0; c < in.c; ++c)
      for (int y = 0; y < in.h; ++y)
        raised[size_t((c * in.h + y) * in.w + x)] += kRaise;
    result.byColumn.push_back(run(raised));
  }
  return result;
}

// The input lines (rows or columns, as `raised` holds them) whose raise
// changes an output inside `region`, in increasing order, shifted by -shift.
std::vector<int> dependentLines(const RaisedOutputs &outputs,
                                const std::vector<std::vector<float>> &raised,
                                const MapRegion &region, int shift = 0) {
  const Shape &out = outputs.output;
  std::vector<int> lines;
  for (size_t line = 0; line < raised.size(); ++line) {
    bool changed = false;
    for (int c = 0; c < out.c && !changed; ++c)
      for (int y = region.y0; y < region.y1 && !changed; ++y)
        for (int x = region.x0; x < region.x1 && !changed; ++x) {
          const size_t at = size_t((c * out.h + y) * out.w + x);
          changed = raised[line][at] != outputs.baseline[at];
        }
    if (changed)
      lines.push_back(int(line) - shift);
  }
  return lines;
}

// The smallest range holding `lines`; empty for none.
AxisRange boundingRange(const std::vector<int> &lines) {
  return lines.empty() ? AxisRange{0, 0} : AxisRange{lines.front(), lines.back() + 1};
}

MapRegion randomRegion(Random &random, const Shape &shape) {
  const int y0 = random.between(0, shape.h - 1), x0 = random.between(0, shape.w - 1);
  return {y0, random.between(y0 + 1, shape.h), x0, random.between(x0 + 1, shape.w)};
}

} // namespace

TEST_CASE("inputNeed is exactly the dependence the reference executor shows") {
  // Rerun one failing case by starting the loop at its index.
  constexpr int kCases = 1000;
  constexpr int kRegionsPerCase = 6;
  for (int caseIndex = 0; caseIndex < kCases; ++caseIndex) {
    const uint64_t seed = SplitMix64::mix(0x7E55E1u + uint64_t(caseIndex));
    CAPTURE(caseIndex);
    CAPTURE(seed);
    Random random(seed);
    const Network network = randomSingleLayer(random);
    const Layer &layer = network.layers[1];
    const std::string description = describe(network);
    CAPTURE(description);

    const RaisedOutputs inMap = raiseEachRowAndColumn(network, random);
    std::optional<RaisedOutputs> reach;
    if (isWindowOp(layer.op))
      reach = raiseEachRowAndColumn(paddingAsInput(network), random);

    for (int r = 0; r < kRegionsPerCase; ++r) {
      const MapRegion region = r == 0 ? wholeMap(layer.output) : randomRegion(random, layer.output);
      CAPTURE(region);
      const AxisRange rows = boundingRange(dependentLines(inMap, inMap.byRow, region));
      const AxisRange cols = boundingRange(dependentLines(inMap, inMap.byColumn, region));
      const MapRegion dependent =
          rows.size() > 0 && cols.size() > 0
              ? MapRegion{int(rows.begin), int(rows.end), int(cols.begin), int(cols.end)}
              : MapRegion{};

      for (int input = 0; input < int(layer.inputs.size()); ++input) {
        CAPTURE(input);
        const InputNeed need = inputNeed(network, 1, input, region);
        CHECK(need.region == dependent);
        if (!reach) {
          CHECK(need.padTop + need.padLeft + need.padBottom + need.padRight == 0);
          continue;
        }
        const WindowAttrs w = windowOf(layer);
        const AxisRange reachRows =
            boundingRange(dependentLines(*reach, reach->byRow, region, w.padding.top));
        const AxisRange reachCols =
            boundingRange(dependentLines(*reach, reach->byColumn, region, w.padding.left));
        CHECK(neededInputRange(region.y0, region.y1, w.kernelH, w.strideH, w.dilationH,
                               w.padding.top) == reachRows);
        CHECK(neededInputRange(region.x0, region.x1, w.kernelW, w.strideW, w.dilationW,
                               w.padding.left) == reachCols);
        const Shape &in = network.inputShape;
        CHECK(need.padTop == std::max<int64_t>(0, -reachRows.begin));
        CHECK(need.padBottom == std::max<int64_t>(0, reachRows.end - in.h));
        CHECK(need.padLeft == std::max<int64_t>(0, -reachCols.begin));
        CHECK(need.padRight == std::max<int64_t>(0, reachCols.end - in.w));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Chains of a shipped network

namespace {

Network loadYolov2At64() {
  LoadOptions options;
  options.inputSize = std::make_pair(64, 64);
  llvm::Expected<Network> network =
      loadNetwork(std::string(TESSEL_SOURCE_DIR) + "/networks/yolov2-16.yaml", options);
  if (!network)
    FAIL(llvm::toString(network.takeError()));
  return std::move(*network);
}

int layerIndex(const Network &network, const std::string &name) {
  const int index = network.indexOf(name);
  REQUIRE_MESSAGE(index >= 0, "no layer ", name);
  return index;
}

} // namespace

TEST_CASE("traceChain through yolov2-16's conv-pool-conv stem, by hand") {
  const Network network = loadYolov2At64();
  // conv0 (3x3 same), its batch norm, pool1 (2x2/2), conv2 (3x3 same), its batch norm.
  const int first = layerIndex(network, "conv0");
  const int last = layerIndex(network, "conv2.bn");
  REQUIRE(last - first == 4);
  REQUIRE(network.layers[size_t(layerIndex(network, "pool1"))].output == Shape{32, 32, 32});

  SUBCASE("a tile on the left border") {
    const TileTrace trace = traceChain(network, first, last, {8, 16, 0, 8});
    CHECK(trace.layerOutputs ==
          std::vector<MapRegion>{{14, 34, 0, 18}, // conv0: twice pool1's rows and columns
                                 {14, 34, 0, 18}, // conv0.bn
                                 {7, 17, 0, 9},   // pool1: conv2's halo, clamped on the left
                                 {8, 16, 0, 8},   // conv2
                                 {8, 16, 0, 8}}); // conv2.bn
    checkNeed(trace.segmentInput, {13, 35, 0, 19}, {0, 1, 0, 0});
  }
  SUBCASE("the bottom-right tile") {
    const TileTrace trace = traceChain(network, first, last, {24, 32, 24, 32});
    CHECK(trace.layerOutputs == std::vector<MapRegion>{{46, 64, 46, 64},
                                                       {46, 64, 46, 64},
                                                       {23, 32, 23, 32},
                                                       {24, 32, 24, 32},
                                                       {24, 32, 24, 32}});
    checkNeed(trace.segmentInput, {45, 64, 45, 64}, {0, 0, 1, 1});
  }
  SUBCASE("a chain of one layer is that layer's need") {
    const TileTrace trace = traceChain(network, first, first, {0, 4, 0, 4});
    CHECK(trace.layerOutputs == std::vector<MapRegion>{{0, 4, 0, 4}});
    checkNeed(trace.segmentInput, {0, 5, 0, 5}, {1, 1, 0, 0});
  }
}

TEST_CASE("traceChain: the traced tiles of a balanced grid cover every layer's map") {
  const Network network = loadYolov2At64();
  const int first = 1, last = network.outputIndex();
  const Shape &out = network.layers[size_t(last)].output;
  REQUIRE(out == Shape{256, 4, 4});

  // The 3x3 convolutions up to conv14 widen the tiles by a halo; conv14's
  // output and everything after it is only read through 1x1 windows.
  const int lastOverlapping = layerIndex(network, "conv13.bn");
  const std::vector<std::pair<int, int>> grids = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {2, 3}};
  for (auto [tileRows, tileCols] : grids) {
    CAPTURE(tileRows);
    CAPTURE(tileCols);
    std::vector<TileTrace> traces;
    for (const AxisRange &rows : balancedSplit(out.h, tileRows))
      for (const AxisRange &cols : balancedSplit(out.w, tileCols))
        traces.push_back(
            traceChain(network, first, last,
                       {int(rows.begin), int(rows.end), int(cols.begin), int(cols.end)}));

    // Index first - 1 stands for the chain's input, the network input here.
    for (int layer = first - 1; layer <= last; ++layer) {
      CAPTURE(network.layers[size_t(layer)].name);
      const Shape &shape = network.layers[size_t(layer)].output;
      std::vector<int> timesComputed(size_t(shape.h * shape.w), 0);
      int64_t area = 0;
      for (const TileTrace &trace : traces) {
        const MapRegion region =
            layer < first ? trace.segmentInput.region : trace.layerOutputs[size_t(layer - first)];
        REQUIRE(region.y0 >= 0);
        REQUIRE(region.x0 >= 0);
        REQUIRE(region.y1 <= shape.h);
        REQUIRE(region.x1 <= shape.w);
        area += int64_t(region.height()) * region.width();
        for (int y = region.y0; y < region.y1; ++y)
          for (int x = region.x0; x < region.x1; ++x)
            ++timesComputed[size_t(y * shape.w + x)];
      }
      CHECK(std::count(timesComputed.begin(), timesComputed.end(), 0) == 0);
      if (traces.size() > 1 && layer <= lastOverlapping)
        CHECK(area > int64_t(shape.h) * shape.w);
      else
        CHECK(area == int64_t(shape.h) * shape.w);
    }
  }
}
