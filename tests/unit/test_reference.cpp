// Reference executor: batch norm, activations, fully connected, add, concat,
// softmax, upsample and the layer walk, against values computed by hand.
#include "test_reference_helpers.h"

#include "reference/ops.h"

#include <numeric>

using namespace tessel;
using namespace tessel::test;

namespace {

// A 1x1 convolution that multiplies a one-channel map by `scale`: a cheap
// way to give add and concat inputs that are recognizably different.
Layer makeScale(Shape shape, float scale) {
  Layer layer = makeLayer(OpKind::Conv2d, shape);
  layer.conv().outChannels = shape.c;
  layer.conv().bias = false;
  layer.weights.weight = {scale};
  return layer;
}

std::vector<float> runActivation(Activation activation, const std::vector<float> &input) {
  Layer layer = makeLayer(OpKind::Activation, {1, 1, int(input.size())});
  layer.activation = activation;
  return runLayer({1, 1, int(input.size())}, layer, input);
}

const std::vector<float> kActivationInput = {-2, -0.5f, 0, 0.5f, 7};

} // namespace

TEST_CASE("batch norm: gamma (x - mean) / sqrt(variance + epsilon) + beta per channel") {
  Layer bn = makeLayer(OpKind::BatchNorm, {2, 1, 2});
  bn.batchNorm().epsilon = 0.25f; // sqrt(3.75 + 0.25) = 2, sqrt(0.75 + 0.25) = 1
  bn.weights.gamma = {4, 0.5f};
  bn.weights.beta = {1, -1};
  bn.weights.mean = {1, 2};
  bn.weights.variance = {3.75f, 0.75f};
  // Channel 0: 4 (x - 1) / 2 + 1; channel 1: 0.5 (x - 2) / 1 - 1.
  checkValues(runLayer({2, 1, 2}, bn, {1, 3, 0, 4}), {1, 5, -2, 0});
}

TEST_CASE("batch norm applies its attached activation") {
  Layer bn = makeLayer(OpKind::BatchNorm, {1, 1, 2});
  bn.batchNorm().epsilon = 0;
  bn.weights.gamma = {1};
  bn.weights.beta = {0};
  bn.weights.mean = {1};
  bn.weights.variance = {1};
  bn.activation = {ActivationKind::Leaky, 0.5f};
  checkValues(runLayer({1, 1, 2}, bn, {-1, 3}), {-1, 2});
}

TEST_CASE("stand-alone activations") {
  SUBCASE("linear") {
    checkValues(runActivation({ActivationKind::Linear}, kActivationInput), kActivationInput);
  }
  SUBCASE("relu") {
    checkValues(runActivation({ActivationKind::Relu}, kActivationInput), {0, 0, 0, 0.5f, 7});
  }
  SUBCASE("relu6") {
    checkValues(runActivation({ActivationKind::Relu6}, kActivationInput), {0, 0, 0, 0.5f, 6});
  }
  SUBCASE("leaky with the default slope 0.1") {
    checkValues(runActivation({ActivationKind::Leaky}, kActivationInput),
                {-0.2f, -0.05f, 0, 0.5f, 7});
  }
  SUBCASE("leaky with alpha 0.2") {
    checkValues(runActivation({ActivationKind::Leaky, 0.2f}, kActivationInput),
                {-0.4f, -0.1f, 0, 0.5f, 7});
  }
  SUBCASE("sigmoid") {
    // 1 / (1 + e^2), 1 / (1 + e^0.5), 1/2, 1 / (1 + e^-0.5), 1 / (1 + e^-7).
    checkValues(runActivation({ActivationKind::Sigmoid}, kActivationInput),
                {0.11920292f, 0.37754067f, 0.5f, 0.62245933f, 0.99908895f});
  }
  SUBCASE("hard_sigmoid with alpha 0.2") {
    // min(max(0.2 x + 0.5, 0), 1).
    checkValues(runActivation({ActivationKind::HardSigmoid, 0.2f}, kActivationInput),
                {0.1f, 0.4f, 0.5f, 0.6f, 1});
  }
  SUBCASE("hard_swish") {
    // x min(max(x / 6 + 0.5, 0), 1): -2 * 1/6, -0.5 * 5/12, 0, 0.5 * 7/12, 7.
    checkValues(runActivation({ActivationKind::HardSwish}, kActivationInput),
                {-1.0f / 3.0f, -0.20833333f, 0, 0.29166667f, 7});
  }
}

TEST_CASE("fully connected flattens its input in C, H, W order") {
  // Input 2 channels of 2x1: weight index i pairs with (c, h) = (i / 2, i % 2).
  Layer fc = makeLayer(OpKind::FullyConnected, {2, 1, 1});
  fc.fc().outFeatures = 2;
  fc.weights.weight = {1, 10, 100, 1000, /* unit 1: */ 0, 0, 1, 0};
  fc.weights.bias = {0.5f, 0};
  // Values: channel 0 = (1, 2), channel 1 = (3, 4).
  checkValues(runLayer({2, 2, 1}, fc, {1, 2, 3, 4}), {4321.5f, 3});
}

TEST_CASE("fully connected without bias, with an attached activation") {
  Layer fc = makeLayer(OpKind::FullyConnected, {2, 1, 1});
  fc.fc().outFeatures = 2;
  fc.fc().bias = false;
  fc.weights.weight = {1, 1, -1, -1};
  fc.activation.kind = ActivationKind::Relu;
  checkValues(runLayer({1, 1, 2}, fc, {2, 3}), {5, 0});
}

TEST_CASE("add sums three inputs and applies its activation") {
  // input x, 10x and 100x, summed: 111x; relu6 then clips.
  Layer add = makeLayer(OpKind::Add, {1, 1, 3}, {0, 1, 2});
  add.activation.kind = ActivationKind::Relu6;
  Network network =
      makeNetwork({1, 1, 3}, {makeScale({1, 1, 3}, 10), makeScale({1, 1, 3}, 100), add});
  network.layers[2].inputs = {0}; // the 100x layer also reads the input
  checkValues(runReference(network, {0.01f, 0.06f, -1}), {1.11f, 6, 0});
}

TEST_CASE("multiply takes a map of the same shape or one factor per channel") {
  SUBCASE("the same shape") {
    const Shape map = {1, 1, 2};
    Network network =
        makeNetwork(map, {makeScale(map, 10), makeLayer(OpKind::Multiply, map, {0, 1})});
    checkValues(runReference(network, {1, 2}), {10, 40});
  }
  SUBCASE("per-channel factors: each channel's mean, as squeeze-and-excitation computes them") {
    const Shape map = {2, 1, 2};
    Network network = makeNetwork(map, {makeLayer(OpKind::GlobalAvgPool, {2, 1, 1}),
                                        makeLayer(OpKind::Multiply, map, {0, 1})});
    // Channel 0 = (1, 2), mean 1.5; channel 1 = (3, 4), mean 3.5.
    checkValues(runReference(network, {1, 2, 3, 4}), {1.5f, 3, 10.5f, 14});
  }
}

TEST_CASE("flatten_concat writes its inputs' NCHW values back to back, whatever their shapes") {
  const Shape map = {2, 1, 2};
  Network network = makeNetwork(map, {makeLayer(OpKind::GlobalAvgPool, {2, 1, 1}),
                                      makeLayer(OpKind::FlattenConcat, {6, 1, 1}, {0, 1})});
  checkValues(runReference(network, {1, 2, 3, 4}), {1, 2, 3, 4, 1.5f, 3.5f});
}

TEST_CASE("concat stacks channels in the order listed") {
  const Shape map = {1, 1, 2};
  Network network = makeNetwork(map, {makeScale(map, 10), makeLayer(OpKind::Concat, {2, 1, 2})});
  SUBCASE("scaled first") {
    network.layers[2].inputs = {1, 0};
    checkValues(runReference(network, {1, 2}), {10, 20, 1, 2});
  }
  SUBCASE("input first") {
    network.layers[2].inputs = {0, 1};
    checkValues(runReference(network, {1, 2}), {1, 2, 10, 20});
  }
}

TEST_CASE("softmax") {
  // e^-2, e^-1, e^0 over their sum.
  const std::vector<float> expected = {0.09003057f, 0.24472847f, 0.66524096f};
  Layer softmax = makeLayer(OpKind::Softmax, {3, 1, 1});
  SUBCASE("matches hand values and sums to 1") {
    std::vector<float> output = runLayer({3, 1, 1}, softmax, {1, 2, 3});
    checkValues(output, expected);
    CHECK(std::accumulate(output.begin(), output.end(), 0.0) == doctest::Approx(1.0));
  }
  SUBCASE("subtracts the maximum, so large inputs do not overflow") {
    checkValues(runLayer({3, 1, 1}, softmax, {1000, 1001, 1002}), expected);
  }
  SUBCASE("covers all elements, not each channel") {
    Layer map = makeLayer(OpKind::Softmax, {2, 1, 2});
    checkValues(runLayer({2, 1, 2}, map, {0, 0, 0, 0}), {0.25f, 0.25f, 0.25f, 0.25f});
  }
}

TEST_CASE("upsample repeats each cell scaleH times down and scaleW times across") {
  // The example of ONNX's tests upsample_nearest and resize_upsample_scales_nearest
  // (scales 1, 1, 2, 3).
  const reference::Tensor input{{1, 2, 2}, {1, 2, 3, 4}};
  CHECK(reference::upsampleNearest(input, 2, 3) == std::vector<double>{1, 1, 1, 2, 2, 2, //
                                                                       1, 1, 1, 2, 2, 2, //
                                                                       3, 3, 3, 4, 4, 4, //
                                                                       3, 3, 3, 4, 4, 4});
}

TEST_CASE("upsample keeps channels apart and height and width scales apart") {
  // Two channels of 1x3, scaled [2, 1]: rows double, columns stay.
  const reference::Tensor input{{2, 1, 3}, {1, 2, 3, -4, -5, -6}};
  CHECK(reference::upsampleNearest(input, 2, 1) ==
        std::vector<double>{1, 2, 3, 1, 2, 3, -4, -5, -6, -4, -5, -6});
  // Scale [1, 2]: columns double, rows stay.
  CHECK(reference::upsampleNearest(input, 1, 2) ==
        std::vector<double>{1, 1, 2, 2, 3, 3, -4, -4, -5, -5, -6, -6});
  CHECK(reference::upsampleNearest(input, 1, 1) == std::vector<double>{1, 2, 3, -4, -5, -6});
}

TEST_CASE("runReferenceAllLayers returns the input and every layer's output") {
  Layer relu = makeLayer(OpKind::Activation, {1, 1, 2});
  relu.activation.kind = ActivationKind::Relu;
  Network network = makeNetwork({1, 1, 2}, {makeScale({1, 1, 2}, -2), relu});
  std::vector<std::vector<float>> all = runReferenceAllLayers(network, {1, -3});
  REQUIRE(all.size() == 3);
  checkValues(all[0], {1, -3});
  checkValues(all[1], {-2, 6});
  checkValues(all[2], {0, 6});
  checkValues(runReference(network, {1, -3}), all[2]);
}

TEST_CASE("each layer's output is rounded to float once, after the activation") {
  // 1 + 2^-30 - 1 in float arithmetic would be 0; accumulated in double it
  // survives as 2^-30 (exact in float).
  Layer fc = makeLayer(OpKind::FullyConnected, {1, 1, 1});
  fc.fc().outFeatures = 1;
  fc.fc().bias = false;
  fc.weights.weight = {1, 1, -1};
  CHECK(runLayer({3, 1, 1}, fc, {1, 0x1p-30f, 1})[0] == 0x1p-30f);
}
