// Reference convolution against values computed by hand. Kernels use weights
// 1, 10, 100, ... so every digit of a result shows which input tap fed it.
#include "test_reference_helpers.h"

#include <algorithm>

using namespace tessel;
using namespace tessel::test;

namespace {

// 1 2 3
// 4 5 6
// 7 8 9
const std::vector<float> kOneToNine = {1, 2, 3, 4, 5, 6, 7, 8, 9};

Layer makeConv(Shape output, int kernelH, int kernelW, std::vector<float> weight) {
  Layer layer = makeLayer(OpKind::Conv2d, output);
  layer.conv().outChannels = output.c;
  layer.conv().window.kernelH = kernelH;
  layer.conv().window.kernelW = kernelW;
  layer.conv().bias = false;
  layer.weights.weight = std::move(weight);
  return layer;
}

void padAllSides(Layer &layer, int amount) {
  layer.conv().window.padding = {amount, amount, amount, amount};
}

} // namespace

TEST_CASE("conv 3x3 with padding 1 sums each window, zeros outside") {
  Layer conv = makeConv({1, 3, 3}, 3, 3, std::vector<float>(9, 1.0f));
  padAllSides(conv, 1);
  checkValues(runLayer({1, 3, 3}, conv, kOneToNine), {12, 21, 16, 27, 45, 33, 24, 39, 28});
}

TEST_CASE(
    "conv is a cross-correlation: kernel tap (ky, kx) reads input (y + ky - pad, x + kx - pad)") {
  // Diagonal kernel: out(y, x) = in(y-1, x-1) + 10 in(y, x) + 100 in(y+1, x+1).
  Layer conv = makeConv({1, 3, 3}, 3, 3, {1, 0, 0, 0, 10, 0, 0, 0, 100});
  padAllSides(conv, 1);
  checkValues(runLayer({1, 3, 3}, conv, kOneToNine), {510, 620, 30, 840, 951, 62, 70, 84, 95});
}

TEST_CASE("conv stride 2 samples every other window") {
  Layer conv = makeConv({1, 2, 2}, 3, 3, {1, 0, 0, 0, 10, 0, 0, 0, 100});
  padAllSides(conv, 1);
  conv.conv().window.strideH = conv.conv().window.strideW = 2;
  checkValues(runLayer({1, 3, 3}, conv, kOneToNine), {510, 30, 70, 95});
}

TEST_CASE("conv dilation 2 spreads the taps two apart") {
  // Input 5x6 with in(y, x) = 6y + x; taps at (0,0), (2,2), (4,4) from each origin.
  std::vector<float> input(30);
  for (int i = 0; i < 30; ++i)
    input[size_t(i)] = float(i);
  Layer conv = makeConv({1, 1, 2}, 3, 3, {1, 0, 0, 0, 10, 0, 0, 0, 100});
  conv.conv().window.dilationH = conv.conv().window.dilationW = 2;
  // out(0,0) = 0 + 10*14 + 100*28; out(0,1) = 1 + 10*15 + 100*29.
  checkValues(runLayer({1, 5, 6}, conv, input), {2940, 3051});
}

TEST_CASE("conv keeps height and width attributes apart: kernel, stride and dilation") {
  // Input 5x5 with in(y, x) = 5y + x; kernel 2x2, dilation (2, 1), stride (1, 2):
  // out(y, x) = in(y, 2x) + 10 in(y, 2x+1) + 100 in(y+2, 2x) + 1000 in(y+2, 2x+1).
  std::vector<float> input(25);
  for (int i = 0; i < 25; ++i)
    input[size_t(i)] = float(i);
  Layer conv = makeConv({1, 3, 2}, 2, 2, {1, 10, 100, 1000});
  conv.conv().window.dilationH = 2;
  conv.conv().window.strideW = 2;
  checkValues(runLayer({1, 5, 5}, conv, input), {12010, 14232, 17565, 19787, 23120, 25342});
}

TEST_CASE("conv with a non-square kernel and two filters") {
  // 1x3 kernels, padding left/right 1. Filter 0: in(y, x-1) + 10 in(y, x) + 100 in(y, x+1);
  // filter 1: 2 in(y, x-1).
  Layer conv = makeConv({2, 3, 3}, 1, 3, {1, 10, 100, 2, 0, 0});
  conv.conv().window.padding = {0, 1, 0, 1};
  checkValues(runLayer({1, 3, 3}, conv, kOneToNine),
              {210, 321, 32, 540, 654, 65, 870, 987, 98, 0, 2, 4, 0, 8, 10, 0, 14, 16});
}

TEST_CASE("conv asymmetric padding: top 1, left 0, bottom 0, right 1") {
  // out(y, x) = in(y-1, x) + 10 in(y-1, x+1) + 100 in(y, x) + 1000 in(y, x+1).
  Layer conv = makeConv({1, 3, 3}, 2, 2, {1, 10, 100, 1000});
  conv.conv().window.padding = {/*top=*/1, /*left=*/0, /*bottom=*/0, /*right=*/1};
  checkValues(runLayer({1, 3, 3}, conv, kOneToNine),
              {2100, 3200, 300, 5421, 6532, 603, 8754, 9865, 906});
}

TEST_CASE("conv bias is added once per output element") {
  Layer conv = makeConv({2, 1, 2}, 1, 1, {1, -1});
  conv.conv().bias = true;
  conv.weights.bias = {0.5f, 10.0f};
  checkValues(runLayer({1, 1, 2}, conv, {1, 2}), {1.5f, 2.5f, 9, 8});
}

TEST_CASE("conv groups: each output channel reads only its group's input channels") {
  // 4 input channels, 2 groups of 2; 4 filters, 2 per group.
  Layer conv = makeConv({4, 1, 1}, 1, 1, {1, 10, 100, 1000, 1, 1, 2, 3});
  conv.conv().groups = 2;
  // Group 0 reads channels 0,1 = (1, 2); group 1 reads channels 2,3 = (3, 4).
  checkValues(runLayer({4, 1, 1}, conv, {1, 2, 3, 4}), {21, 2100, 7, 18});
}

TEST_CASE("conv depthwise with channel multiplier 2: filters 2c and 2c+1 read channel c") {
  Layer conv = makeConv({4, 1, 1}, 1, 1, {1, 10, 100, 1000});
  conv.conv().groups = 2;
  checkValues(runLayer({2, 1, 1}, conv, {2, 3}), {2, 20, 300, 3000});
}

TEST_CASE("conv depthwise 3x3 keeps channels apart spatially too") {
  // Channel 0 is all ones, channel 1 all tens; a 3x3 all-ones kernel with
  // padding 1 counts the in-bounds taps: 4 in a corner, 6 on an edge, 9 inside.
  std::vector<float> input(18, 1.0f);
  std::fill(input.begin() + 9, input.end(), 10.0f);
  Layer conv = makeConv({2, 3, 3}, 3, 3, std::vector<float>(18, 1.0f));
  conv.conv().groups = 2;
  padAllSides(conv, 1);
  checkValues(runLayer({2, 3, 3}, conv, input),
              {4, 6, 4, 6, 9, 6, 4, 6, 4, 40, 60, 40, 60, 90, 60, 40, 60, 40});
}

TEST_CASE("conv applies its attached activation after the bias") {
  Layer conv = makeConv({1, 1, 2}, 1, 1, {-1});
  conv.conv().bias = true;
  conv.weights.bias = {0.5f};
  conv.activation.kind = ActivationKind::Relu;
  // Pre-activation: -0.5, 0.5.
  checkValues(runLayer({1, 1, 2}, conv, {1, 0}), {0, 0.5f});
}
