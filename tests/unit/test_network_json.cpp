// `tessel info --json`: the network as loaded, with resolved attributes and
// the offsets of its parameters in the weights file.
#include "temp_dir.h"

#include "driver/network_json.h"
#include "frontend/load_network.h"

#include <doctest/doctest.h>

#include <string>

using namespace tessel;
using tessel::testing::TempDir;

namespace {

// Parameters: c1 weight 4x2x3x3 = 72, c1.bn 4 x 4 = 16, c2 weight 2x4x1x1 = 8 and bias 2,
// fc weight 3x16 = 48 and bias 3.
const char *const kNetwork = R"(name: described
input: {channels: 2, height: 6, width: 6}
layers:
  - {name: c1, op: conv2d, filters: 4, kernel: 3, stride: 2, padding: same, batch_norm: true,
     activation: {type: leaky, alpha: 0.25}}
  - {name: p, op: maxpool, kernel: 2, ceil_mode: true}
  - {name: c2, op: conv2d, filters: 2, kernel: 1, inputs: p}
  - {name: up, op: upsample, scale: [2, 1]}
  - {name: r, op: relu6}
  - {name: fc, op: fully_connected, units: 3}
)";

llvm::json::Object describe() {
  TempDir dir("tessel-json-test");
  llvm::Expected<Network> network = loadNetwork(dir.write("net.yaml", kNetwork), {});
  REQUIRE(network);
  llvm::json::Value json = driver::networkJson(*network);
  REQUIRE(json.getAsObject() != nullptr);
  return *json.getAsObject();
}

const llvm::json::Object &layer(const llvm::json::Object &network, size_t index) {
  return *network.getArray("layers")->operator[](index).getAsObject();
}

// A value as its JSON text, so that whole arrays and objects compare in one CHECK.
std::string text(const llvm::json::Value *value) {
  REQUIRE(value != nullptr);
  std::string out;
  llvm::raw_string_ostream(out) << *value;
  return out;
}

} // namespace

TEST_CASE("layers come in weights-file order with their shapes and inputs") {
  const llvm::json::Object network = describe();
  CHECK(text(network.get("input")) == "[2,6,6]");
  CHECK(text(network.get("parameters")) == std::to_string(72 + 16 + 8 + 2 + 48 + 3));
  const llvm::json::Array &layers = *network.getArray("layers");
  REQUIRE(layers.size() == 8);
  std::string names;
  for (const llvm::json::Value &entry : layers)
    names += entry.getAsObject()->getString("name")->str() + " ";
  CHECK(names == "input c1 c1.bn p c2 up r fc ");
  CHECK(text(layer(network, 0).get("inputs")) == "[]");
  CHECK(text(layer(network, 4).get("inputs")) == R"(["p"])");
  CHECK(text(layer(network, 1).get("output")) == "[4,3,3]");
  CHECK(text(layer(network, 3).get("output")) == "[4,2,2]"); // ceil_mode: 3 -> 2
  CHECK(text(layer(network, 5).get("output")) == "[2,4,2]");
  CHECK(text(layer(network, 7).get("output")) == "[3,1,1]");
}

TEST_CASE("attributes have their defaults filled in and same padding resolved") {
  const llvm::json::Object network = describe();
  // 6 rows, stride 2: 3 outputs need 1 row of padding, the smaller half (none) on top.
  CHECK(text(layer(network, 1).get("attributes")) ==
        R"({"bias":false,"dilation":[1,1],"filters":4,"groups":1,"kernel":[3,3],)"
        R"("padding":[0,0,1,1],"stride":[2,2]})");
  CHECK(text(layer(network, 2).get("attributes")) == R"({"epsilon":9.9999997473787516e-06})");
  CHECK(text(layer(network, 3).get("attributes")) ==
        R"({"ceil_mode":true,"count_include_pad":false,"kernel":[2,2],"padding":[0,0,0,0],)"
        R"("stride":[2,2]})");
  CHECK(text(layer(network, 5).get("attributes")) == R"({"scale":[2,1]})");
  CHECK(text(layer(network, 7).get("attributes")) == R"({"bias":true,"units":3})");
  CHECK(text(layer(network, 6).get("attributes")) == "{}");
}

TEST_CASE("the activation belongs to the layer that applies it") {
  const llvm::json::Object network = describe();
  CHECK(text(layer(network, 1).get("activation")) == R"({"type":"linear"})");
  CHECK(text(layer(network, 2).get("activation")) == R"({"alpha":0.25,"type":"leaky"})");
  CHECK(*layer(network, 6).getString("op") == "activation");
  CHECK(text(layer(network, 6).get("activation")) == R"({"type":"relu6"})");
}

TEST_CASE("parameter tensors give their dims and where they start in the weights file") {
  const llvm::json::Object network = describe();
  CHECK(text(layer(network, 1).get("parameters")) ==
        R"([{"dims":[4,2,3,3],"offset":0,"role":"weight"}])");
  CHECK(text(layer(network, 2).get("parameters")) ==
        R"([{"dims":[4],"offset":72,"role":"gamma"},{"dims":[4],"offset":76,"role":"beta"},)"
        R"({"dims":[4],"offset":80,"role":"mean"},{"dims":[4],"offset":84,"role":"variance"}])");
  CHECK(text(layer(network, 4).get("parameters")) ==
        R"([{"dims":[2,4,1,1],"offset":88,"role":"weight"},)"
        R"({"dims":[2],"offset":96,"role":"bias"}])");
  CHECK(text(layer(network, 7).get("parameters")) ==
        R"([{"dims":[3,16],"offset":98,"role":"weight"},{"dims":[3],"offset":146,"role":"bias"}])");
  CHECK(text(layer(network, 3).get("parameters")) == "[]");
}
