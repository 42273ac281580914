// Shape inference on hand-computed cases, straight on the IR.
#include "analysis/shape_inference.h"
#include "ir/kernel_window.h"
#include "ops/shape_error.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tessel;

namespace {

Network networkWithInput(Shape input) {
  Network network;
  network.name = "shapes";
  network.inputShape = input;
  Layer layer;
  layer.name = "input";
  layer.op = OpKind::Input;
  network.layers.push_back(layer);
  return network;
}

// Appends `layer` reading `inputs` (default: the last layer); returns its index.
int append(Network &network, Layer layer, std::vector<int> inputs = {}) {
  const int index = int(network.layers.size());
  layer.name = "layer" + std::to_string(index);
  layer.inputs = inputs.empty() ? std::vector<int>{index - 1} : inputs;
  network.layers.push_back(layer);
  return index;
}

Layer conv(int filters, int kernel, int stride = 1) {
  Layer layer;
  layer.op = OpKind::Conv2d;
  layer.conv().outChannels = filters;
  layer.conv().window.kernelH = layer.conv().window.kernelW = kernel;
  layer.conv().window.strideH = layer.conv().window.strideW = stride;
  return layer;
}

Layer sameConv(int filters, int kernel, int stride = 1) {
  Layer layer = conv(filters, kernel, stride);
  layer.conv().window.samePadding = true;
  return layer;
}

Layer pool(OpKind op, int kernel, int stride) {
  Layer layer;
  layer.op = op;
  layer.pool().window.kernelH = layer.pool().window.kernelW = kernel;
  layer.pool().window.strideH = layer.pool().window.strideW = stride;
  return layer;
}

Layer ofKind(OpKind op) {
  Layer layer;
  layer.op = op;
  return layer;
}

// The output of the last layer after shape inference.
Shape inferLast(Network &network) {
  llvm::Error error = inferShapes(network);
  REQUIRE_MESSAGE(!error, llvm::toString(std::move(error)));
  return network.layers.back().output;
}

// The attribute a ShapeError blames, or "no error".
std::string blamedAttribute(Network &network) {
  std::string attribute = "no error";
  llvm::handleAllErrors(inferShapes(network),
                        [&](const ShapeError &error) { attribute = error.attribute(); });
  return attribute;
}

bool hasPadding(const Padding &p, int top, int left, int bottom, int right) {
  return p.top == top && p.left == left && p.bottom == bottom && p.right == right;
}

} // namespace

TEST_CASE("conv2d with valid padding") {
  Network network = networkWithInput({3, 7, 7});
  append(network, conv(8, 3));
  CHECK(inferLast(network) == Shape{8, 5, 5});
}

TEST_CASE("conv2d with same padding keeps the size at stride 1") {
  Network network = networkWithInput({3, 5, 5});
  append(network, sameConv(8, 3));
  CHECK(inferLast(network) == Shape{8, 5, 5});
  CHECK(hasPadding(network.layers[1].conv().window.padding, 1, 1, 1, 1));
}

TEST_CASE("same padding at stride 2 puts the smaller half first") {
  // Even input: out = ceil(8 / 2) = 4; total = 3 * 2 + 3 - 8 = 1 -> 0 before, 1 after.
  Network even = networkWithInput({3, 8, 8});
  append(even, sameConv(4, 3, 2));
  CHECK(inferLast(even) == Shape{4, 4, 4});
  CHECK(hasPadding(even.layers[1].conv().window.padding, 0, 0, 1, 1));

  // Odd input: out = ceil(7 / 2) = 4; total = 3 * 2 + 3 - 7 = 2 -> 1 and 1.
  Network odd = networkWithInput({3, 7, 7});
  append(odd, sameConv(4, 3, 2));
  CHECK(inferLast(odd) == Shape{4, 4, 4});
  CHECK(hasPadding(odd.layers[1].conv().window.padding, 1, 1, 1, 1));
}

TEST_CASE("valid stride 2 on odd sizes rounds down") {
  Network network = networkWithInput({3, 9, 7});
  append(network, conv(4, 3, 2));
  CHECK(inferLast(network) == Shape{4, 4, 3}); // (9-3)/2+1, (7-3)/2+1
}

TEST_CASE("explicit asymmetric padding") {
  Network network = networkWithInput({3, 6, 6});
  Layer layer = conv(4, 3);
  layer.conv().window.padding = Padding{1, 0, 2, 1}; // top, left, bottom, right
  append(network, layer);
  CHECK(inferLast(network) == Shape{4, 7, 5}); // 6+1+2-3+1, 6+0+1-3+1
}

TEST_CASE("dilation widens the kernel") {
  Network network = networkWithInput({3, 10, 10});
  Layer valid = conv(4, 3);
  valid.conv().window.dilationH = valid.conv().window.dilationW = 2; // extent 5
  append(network, valid);
  CHECK(inferLast(network) == Shape{4, 6, 6});

  Layer same = sameConv(4, 3);
  same.conv().window.dilationH = 2; // extent 5: total padding 4 along H, 2 along W
  append(network, same);
  CHECK(inferLast(network) == Shape{4, 6, 6});
  CHECK(hasPadding(network.layers[2].conv().window.padding, 2, 1, 2, 1));
}

TEST_CASE("depthwise sets groups to the input channels") {
  Network network = networkWithInput({8, 6, 6});
  Layer layer = sameConv(16, 3);
  layer.conv().depthwise = true;
  append(network, layer);
  CHECK(inferLast(network) == Shape{16, 6, 6});
  CHECK(network.layers[1].conv().groups == 8);
}

TEST_CASE("groups must divide input channels and filters") {
  Network network = networkWithInput({6, 6, 6});
  Layer layer = conv(8, 1);
  layer.conv().groups = 4;
  append(network, layer);
  CHECK(blamedAttribute(network) == "groups");
}

TEST_CASE("maxpool ceil_mode adds the partial window") {
  // floor((6 - 3) / 2) + 1 = 2; ceil gives 3, and the last window starts at 4 < 6.
  Network network = networkWithInput({2, 6, 6});
  Layer layer = pool(OpKind::MaxPool, 3, 2);
  append(network, layer);
  CHECK(inferLast(network) == Shape{2, 2, 2});
  network.layers[1].pool().window.ceilMode = true;
  CHECK(inferLast(network) == Shape{2, 3, 3});
}

TEST_CASE("maxpool ceil_mode drops a window that would start in the padding") {
  // n = 5, k = 2, s = 3, padding 1: ceil((7 - 2) / 3) + 1 = 3, but the third
  // window would start at 6 = n + p0, in the right padding: PyTorch gives 2.
  Network network = networkWithInput({2, 5, 5});
  Layer layer = pool(OpKind::MaxPool, 2, 3);
  layer.pool().window.padding = Padding{1, 1, 1, 1};
  layer.pool().window.ceilMode = true;
  append(network, layer);
  CHECK(inferLast(network) == Shape{2, 2, 2});
  CHECK(windowOutputSize({5, 2, 3, 1, 1, 1, true}) == 2);
  CHECK(windowOutputSize({6, 3, 2, 1, 1, 1, true}) == 4); // last start 6 < 7: kept
}

TEST_CASE("pooling padding over half the kernel is rejected") {
  Network network = networkWithInput({2, 8, 8});
  Layer layer = pool(OpKind::MaxPool, 2, 2);
  layer.pool().window.padding = Padding{0, 0, 2, 0};
  append(network, layer);
  CHECK(blamedAttribute(network) == "padding");
}

TEST_CASE("avgpool and same-padded pooling") {
  Network network = networkWithInput({4, 7, 7});
  append(network, pool(OpKind::AvgPool, 2, 2));
  CHECK(inferLast(network) == Shape{4, 3, 3});

  // YOLO's 2x2 stride-1 maxpool keeps the size with one cell of padding after.
  Layer same = pool(OpKind::MaxPool, 2, 1);
  same.pool().window.samePadding = true;
  append(network, same);
  CHECK(inferLast(network) == Shape{4, 3, 3});
  CHECK(hasPadding(network.layers[2].pool().window.padding, 0, 0, 1, 1));
}

TEST_CASE("global avgpool, fully connected and softmax make vectors") {
  Network network = networkWithInput({16, 7, 5});
  append(network, ofKind(OpKind::GlobalAvgPool));
  CHECK(inferLast(network) == Shape{16, 1, 1});

  Network fcNetwork = networkWithInput({16, 4, 4});
  Layer fc = ofKind(OpKind::FullyConnected);
  fc.fc().outFeatures = 10;
  append(fcNetwork, fc);
  append(fcNetwork, ofKind(OpKind::Softmax));
  CHECK(inferLast(fcNetwork) == Shape{10, 1, 1});
}

TEST_CASE("concat adds channels, add keeps the shape") {
  Network network = networkWithInput({3, 4, 4});
  const int a = append(network, conv(8, 1));
  const int b = append(network, conv(16, 1), {0});
  append(network, ofKind(OpKind::Concat), {a, b, 0});
  CHECK(inferLast(network) == Shape{27, 4, 4});
  append(network, ofKind(OpKind::Add), {b, b});
  CHECK(inferLast(network) == Shape{16, 4, 4});
}

TEST_CASE("mismatched shapes blame the inputs") {
  Network network = networkWithInput({3, 4, 4});
  const int a = append(network, conv(8, 1));
  append(network, ofKind(OpKind::Add), {a, 0});
  CHECK(blamedAttribute(network) == "inputs");
}

TEST_CASE("shape inference can run again after the input size changes") {
  Network network = networkWithInput({3, 8, 8});
  append(network, sameConv(4, 3, 2));
  CHECK(inferLast(network) == Shape{4, 4, 4});
  network.inputShape = Shape{3, 7, 7};
  CHECK(inferLast(network) == Shape{4, 4, 4});
  CHECK(hasPadding(network.layers[1].conv().window.padding, 1, 1, 1, 1)); // resolved afresh
}

TEST_CASE("a window that does not fit blames the kernel") {
  Network network = networkWithInput({3, 4, 4});
  append(network, conv(8, 5));
  CHECK(blamedAttribute(network) == "kernel");
}

TEST_CASE("layers built in code with sizes out of range are rejected, not divided by") {
  Network network = networkWithInput({3, 8, 8});
  append(network, pool(OpKind::MaxPool, 2, 0));
  CHECK(blamedAttribute(network) == "stride");
}
