// Per-layer costs, hand-computed for the first layers of YOLOv2 at 608x608.
#include "analysis/layer_costs.h"
#include "frontend/load_network.h"

#include <doctest/doctest.h>

#include <string>

using namespace tessel;

namespace {

Network loadYoloStem() {
  llvm::Expected<Network> network =
      loadNetwork(std::string(TESSEL_TEST_DATA_DIR) + "/good/yolo-stem.yaml", {});
  REQUIRE(network);
  return std::move(*network);
}

int64_t macsOf(const Network &network, const std::string &name) {
  return layerMacs(network, network.indexOf(name));
}

int64_t weightBytesOf(const Network &network, const std::string &name) {
  return layerWeightBytes(network, network.indexOf(name));
}

} // namespace

TEST_CASE("convolution MACs: outH * outW * outC * (inC / groups) * kh * kw") {
  const Network network = loadYoloStem();
  CHECK(macsOf(network, "conv1") == 319'389'696);  // 608 * 608 * 32 * 3 * 9
  CHECK(macsOf(network, "dw") == 26'615'808);      // 304 * 304 * 32 * 1 * 9
  CHECK(macsOf(network, "grouped") == 47'316'992); // 304 * 304 * 64 * (32 / 4)
}

TEST_CASE("fully connected MACs: inputs * units") {
  const Network network = loadYoloStem();
  CHECK(macsOf(network, "fc") == 96 * 1000);
}

TEST_CASE("element-wise layers count one operation per element") {
  const Network network = loadYoloStem();
  CHECK(macsOf(network, "input") == 0);
  CHECK(macsOf(network, "conv1.bn") == 32 * 608 * 608);
  CHECK(macsOf(network, "pool1") == 32 * 304 * 304 * 4); // a 2x2 window per output
  CHECK(macsOf(network, "res") == 32 * 304 * 304);       // two inputs: one add each
  CHECK(macsOf(network, "cat") == 0);
  CHECK(macsOf(network, "gap") == 96 * 304 * 304);
  CHECK(macsOf(network, "prob") == 1000);
}

TEST_CASE("weight bytes follow the weights-file layout") {
  const Network network = loadYoloStem();
  CHECK(weightBytesOf(network, "conv1") == 32 * 3 * 9 * 4); // no bias with batch_norm
  CHECK(weightBytesOf(network, "conv1.bn") == 4 * 32 * 4);
  CHECK(weightBytesOf(network, "dw") == (32 * 9 + 32) * 4);
  CHECK(weightBytesOf(network, "grouped") == (64 * 8 + 64) * 4);
  CHECK(weightBytesOf(network, "fc") == (96 * 1000 + 1000) * 4);
  CHECK(weightBytesOf(network, "pool1") == 0);

  int64_t total = 0;
  for (int index = 0; index < int(network.layers.size()); ++index)
    total += layerWeightBytes(network, index);
  CHECK(total == network.parameterCount() * 4); // agrees with what was loaded
}

TEST_CASE("activation bytes are the output tensor's") {
  const Network network = loadYoloStem();
  CHECK(layerActivationBytes(network, network.indexOf("conv1")) == 32 * 608 * 608 * 4);
  CHECK(layerActivationBytes(network, network.indexOf("prob")) == 1000 * 4);
}
