// Good network descriptions: layers, inputs and attributes land in the IR as
// docs/network-format.md describes.
#include "frontend/load_network.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tessel;

namespace {

std::string goodPath(const std::string &name) {
  return std::string(TESSEL_TEST_DATA_DIR) + "/good/" + name;
}

Network load(const std::string &name, const LoadOptions &options = {}) {
  llvm::Expected<Network> network = loadNetwork(goodPath(name), options);
  if (!network) {
    FAIL(llvm::toString(network.takeError()));
    return Network{};
  }
  return std::move(*network);
}

std::vector<std::string> layerNames(const Network &network) {
  std::vector<std::string> names;
  for (const Layer &layer : network.layers)
    names.push_back(layer.name);
  return names;
}

const Layer &layerNamed(const Network &network, const std::string &name) {
  const int index = network.indexOf(name);
  REQUIRE(index >= 0);
  return network.layers[index];
}

} // namespace

TEST_CASE("the documented example parses into the expected layers") {
  const Network network = load("tiny-example.yaml");
  CHECK(network.name == "tiny-example");
  CHECK(network.inputShape == Shape{3, 64, 64});
  CHECK(layerNames(network) == std::vector<std::string>{"input", "conv1", "conv1.bn", "pool1",
                                                        "conv2", "res", "gap", "fc", "prob"});
  const std::vector<OpKind> ops = {OpKind::Input,         OpKind::Conv2d,         OpKind::BatchNorm,
                                   OpKind::MaxPool,       OpKind::Conv2d,         OpKind::Add,
                                   OpKind::GlobalAvgPool, OpKind::FullyConnected, OpKind::Softmax};
  for (size_t i = 0; i < ops.size(); ++i)
    CHECK(network.layers[i].op == ops[i]);

  // Absent `inputs` read the layer above; `res` lists its own.
  CHECK(layerNamed(network, "conv1").inputs == std::vector<int>{0});
  CHECK(layerNamed(network, "pool1").inputs == std::vector<int>{2});
  CHECK(layerNamed(network, "res").inputs == std::vector<int>{3, 4});

  const Layer &conv2 = layerNamed(network, "conv2");
  CHECK(conv2.conv().outChannels == 16);
  CHECK(conv2.conv().window.kernelH == 3);
  CHECK(conv2.conv().window.kernelW == 3);
  CHECK(conv2.conv().window.samePadding);
  CHECK(conv2.conv().bias);
  CHECK(conv2.activation.kind == ActivationKind::Relu);
  CHECK(layerNamed(network, "pool1").pool().window.strideH == 2);
  CHECK(layerNamed(network, "fc").fc().outFeatures == 10);
  CHECK(layerNamed(network, "prob").output == Shape{10, 1, 1});
  CHECK(network.outputIndex() == 8);
}

TEST_CASE("every layer has a source location") {
  const Network network = load("tiny-example.yaml");
  CHECK(network.loc.line == 1);
  CHECK(layerNamed(network, "input").loc.line == 2);
  CHECK(layerNamed(network, "input").loc.column == 8);
  CHECK(layerNamed(network, "pool1").loc.line == 7);
  CHECK(layerNamed(network, "pool1").loc.column == 5);
  CHECK(layerNamed(network, "pool1").loc.file == goodPath("tiny-example.yaml"));
}

TEST_CASE("batch_norm: true expands into a separate batch-norm layer") {
  const Network network = load("tiny-example.yaml");
  const Layer &conv = layerNamed(network, "conv1");
  const Layer &norm = layerNamed(network, "conv1.bn");
  CHECK_FALSE(conv.conv().bias); // the batch norm's beta makes it redundant
  CHECK(conv.activation.kind == ActivationKind::Linear);
  CHECK(norm.op == OpKind::BatchNorm);
  CHECK(norm.inputs == std::vector<int>{network.indexOf("conv1")});
  CHECK(norm.activation.kind == ActivationKind::Leaky);
  CHECK(norm.activation.alpha == 0.1f);
  CHECK(norm.batchNorm().epsilon == 1e-5f);
  // The shorthand layer is located at the `batch_norm` value.
  CHECK(norm.loc.line == 6);
  CHECK(norm.loc.column == 18);
}

TEST_CASE("a conv2d with the shorthand is read through its batch norm, by either name") {
  const Network network = load("attributes.yaml");
  const int norm = network.indexOf("stem.bn");
  CHECK(layerNamed(network, "grouped").inputs == std::vector<int>{norm});
  CHECK(layerNamed(network, "up").inputs == std::vector<int>{norm});
  CHECK(layerNamed(network, "dw").inputs == std::vector<int>{norm});
}

TEST_CASE("every attribute form is read") {
  const Network network = load("attributes.yaml");
  CHECK(network.inputShape == Shape{8, 20, 30});

  const ConvAttrs &stem = layerNamed(network, "stem").conv();
  CHECK(stem.window.kernelH == 3);
  CHECK(stem.window.kernelW == 5);
  CHECK(stem.window.strideH == 2);
  CHECK(stem.window.strideW == 1);
  CHECK(stem.window.dilationH == 1);
  CHECK(stem.window.dilationW == 2);
  CHECK_FALSE(stem.window.samePadding);
  CHECK(stem.window.padding.top == 1);
  CHECK(stem.window.padding.left == 0);
  CHECK(stem.window.padding.bottom == 2);
  CHECK(stem.window.padding.right == 1);
  CHECK_FALSE(stem.bias);
  const Layer &stemNorm = layerNamed(network, "stem.bn");
  CHECK(stemNorm.batchNorm().epsilon == 0.001f);
  CHECK(stemNorm.activation.kind == ActivationKind::Leaky);
  CHECK(stemNorm.activation.alpha == 0.2f);

  const Layer &dw = layerNamed(network, "dw");
  CHECK(dw.conv().depthwise);
  CHECK(dw.conv().groups == 16); // resolved by shape inference
  CHECK(dw.activation.kind == ActivationKind::Relu6);
  CHECK(layerNamed(network, "grouped").conv().groups == 4);

  CHECK(layerNamed(network, "cat").inputs ==
        std::vector<int>{network.indexOf("dw"), network.indexOf("up")});
  CHECK(layerNamed(network, "norm").activation.kind == ActivationKind::Sigmoid);
  const Layer &slope = layerNamed(network, "slope");
  CHECK(slope.op == OpKind::Activation);
  CHECK(slope.activation.kind == ActivationKind::Leaky);
  CHECK(slope.activation.alpha == 0.3f);

  const PoolAttrs &avg = layerNamed(network, "avg").pool();
  CHECK(avg.window.kernelH == 2);
  CHECK(avg.window.kernelW == 3);
  CHECK(avg.window.strideH == 1);
  CHECK(avg.window.strideW == 1);
  CHECK(avg.window.padding.top == 1);
  CHECK(avg.window.padding.right == 1);
  CHECK(avg.window.ceilMode);
  CHECK(avg.countIncludePad);
  CHECK(layerNamed(network, "max").pool().window.samePadding);

  const Layer &fc = layerNamed(network, "fc");
  CHECK(fc.fc().outFeatures == 5);
  CHECK_FALSE(fc.fc().bias);
  CHECK(fc.activation.kind == ActivationKind::Relu);
}

TEST_CASE("pool stride defaults to the kernel") {
  const Network network = load("tiny-example.yaml");
  const PoolAttrs &pool = layerNamed(network, "pool1").pool();
  CHECK(pool.window.strideH == pool.window.kernelH);
}

TEST_CASE("the input size override changes the shapes") {
  LoadOptions options;
  options.inputSize = std::make_pair(32, 48);
  const Network network = load("tiny-example.yaml", options);
  CHECK(network.inputShape == Shape{3, 32, 48});
  CHECK(layerNamed(network, "input").output == Shape{3, 32, 48});
  CHECK(layerNamed(network, "res").output == Shape{16, 16, 24});
}
