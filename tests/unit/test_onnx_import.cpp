// The ONNX frontend: the shipped example's layers, models built here with
// one problem each, and mutated models (never a crash, always a message
// naming the file). Conformance with ONNX's own test cases is tests/onnx.
#include "temp_dir.h"

#include "frontend/load_network.h"
#include "frontend/splitmix64.h"
#include "normalize/normalize.h"
#include "reference/run_reference.h"

#include <onnx/onnx_pb.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace tessel;
using tessel::testing::TempDir;

namespace {

const std::string kExample = std::string(TESSEL_SOURCE_DIR) + "/networks/onnx/se-mobilenet.onnx";

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

onnx::TensorProto floatTensor(const std::string &name, std::vector<int64_t> dims,
                              std::vector<float> values) {
  onnx::TensorProto tensor;
  tensor.set_name(name);
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t dim : dims)
    tensor.add_dims(dim);
  for (float value : values)
    tensor.add_float_data(value);
  return tensor;
}

void setShape(onnx::ValueInfoProto &value, const std::string &name, std::vector<int64_t> dims) {
  value.set_name(name);
  onnx::TypeProto::Tensor *type = value.mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t dim : dims)
    type->mutable_shape()->add_dim()->set_dim_value(dim);
}

// x [1, 2, 4, 4] -> Conv (3x3, 2 -> 2, pad 1) -> Relu -> y.
onnx::ModelProto convModel() {
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto &graph = *model.mutable_graph();
  setShape(*graph.add_input(), "x", {1, 2, 4, 4});
  setShape(*graph.add_output(), "y", {1, 2, 4, 4});
  *graph.add_initializer() = floatTensor("w", {2, 2, 3, 3}, std::vector<float>(36, 0.25f));
  *graph.add_initializer() = floatTensor("b", {2}, {1.0f, -1.0f});
  onnx::NodeProto &conv = *graph.add_node();
  conv.set_op_type("Conv");
  conv.set_name("conv");
  conv.add_input("x");
  conv.add_input("w");
  conv.add_input("b");
  conv.add_output("c");
  onnx::AttributeProto &pads = *conv.add_attribute();
  pads.set_name("pads");
  pads.set_type(onnx::AttributeProto::INTS);
  for (int i = 0; i < 4; ++i)
    pads.add_ints(1);
  onnx::NodeProto &relu = *graph.add_node();
  relu.set_op_type("Relu");
  relu.set_name("relu");
  relu.add_input("c");
  relu.add_output("y");
  return model;
}

struct Loaded {
  std::string path;
  llvm::Expected<Network> network;
};

Loaded load(const TempDir &dir, const onnx::ModelProto &model) {
  const std::string path = dir.path("model.onnx");
  std::ofstream(path, std::ios::binary) << model.SerializeAsString();
  return {path, loadNetwork(path)};
}

std::string errorOf(Loaded loaded) {
  REQUIRE(!loaded.network);
  return llvm::toString(loaded.network.takeError());
}

} // namespace

TEST_CASE("the shipped ONNX example loads as a squeeze-and-excitation network") {
  llvm::Expected<Network> network = loadNetwork(kExample);
  REQUIRE(network);
  CHECK(network->inputShape == Shape{3, 96, 96});
  CHECK(network->layers.back().output == Shape{10, 1, 1});
  CHECK(network->layers.back().op == OpKind::Softmax);
  const auto count = [&](OpKind op) {
    return std::count_if(network->layers.begin(), network->layers.end(),
                         [&](const Layer &layer) { return layer.op == op; });
  };
  CHECK(count(OpKind::Multiply) == 2);       // one per squeeze-and-excitation block
  CHECK(count(OpKind::Add) == 2);            // the residual blocks
  CHECK(count(OpKind::FullyConnected) == 1); // Gemm after the folded Reshape
  CHECK(count(OpKind::Conv2d) == 18);
  // The model's 57,264 float initializers but the 8 Clip bounds of its ReLU6s.
  CHECK(network->parameterCount() == 57'256);
  const Network normalized = normalize(*network);
  int hardSwish = 0;
  for (const Layer &layer : normalized.layers)
    hardSwish += layer.activation.kind == ActivationKind::HardSwish;
  CHECK(hardSwish == 6); // the stem, the head, and expand and depthwise of blocks 3 and 4
}

TEST_CASE("an ONNX convolution computes what ONNX defines") {
  TempDir dir("tessel-onnx");
  Loaded loaded = load(dir, convModel());
  REQUIRE(loaded.network);
  std::vector<float> input(32, 1.0f);
  const std::vector<float> output = runReference(*loaded.network, input);
  REQUIRE(output.size() == 32);
  // Corner: 4 taps x 2 channels x 0.25 + bias; the second channel's bias is -1.
  CHECK(output[0] == doctest::Approx(2.0 + 1.0));
  CHECK(output[5] == doctest::Approx(4.5 + 1.0)); // interior: 9 taps x 2 x 0.25
  CHECK(output[16] == doctest::Approx(2.0 - 1.0));
}

TEST_CASE("a graph with two outputs has one: both flattened back to back") {
  TempDir dir("tessel-onnx");
  onnx::ModelProto model = convModel();
  setShape(*model.mutable_graph()->add_output(), "c", {1, 2, 4, 4}); // the convolution too
  Loaded loaded = load(dir, model);
  REQUIRE(loaded.network);
  const Network &network = *loaded.network;
  CHECK(network.layers.back().op == OpKind::FlattenConcat);
  CHECK(network.layers.back().output == Shape{64, 1, 1});
  std::vector<float> input(32, -1.0f);
  const std::vector<float> output = runReference(network, input);
  REQUIRE(output.size() == 64);
  // relu(y) first, then the convolution: corner -2 + 1 -> relu 0, conv -1.
  CHECK(output[0] == 0.0f);
  CHECK(output[32] == doctest::Approx(-1.0));
}

TEST_CASE("bad ONNX models are rejected with the node or initializer named") {
  TempDir dir("tessel-onnx");
  SUBCASE("a truncated file") {
    const std::string path = dir.path("cut.onnx");
    const std::string bytes = readBytes(kExample);
    std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    llvm::Expected<Network> network = loadNetwork(path);
    REQUIRE(!network);
    CHECK(llvm::toString(network.takeError()) ==
          path + ": not a valid ONNX model: the protobuf does not parse (truncated or not an "
                 "ONNX file)");
  }
  SUBCASE("an unsupported operator") {
    onnx::ModelProto model = convModel();
    model.mutable_graph()->mutable_node(1)->set_op_type("Tanh");
    const std::string message = errorOf(load(dir, model));
    CHECK(message.find("model.onnx: node 'relu' (Tanh, #1): operator Tanh is not supported; "
                       "supported: ") != std::string::npos);
  }
  SUBCASE("an initializer of the wrong size") {
    onnx::ModelProto model = convModel();
    model.mutable_graph()->mutable_initializer(0)->mutable_float_data()->RemoveLast();
    CHECK(
        errorOf(load(dir, model))
            .find("initializer 'w': it holds a different number of values than its dimensions (36) "
                  "say") != std::string::npos);
  }
  SUBCASE("a weight that does not fit the input") {
    onnx::ModelProto model = convModel();
    *model.mutable_graph()->mutable_initializer(0) =
        floatTensor("w", {2, 3, 3, 3}, std::vector<float>(54, 0.25f));
    CHECK(errorOf(load(dir, model))
              .find("node 'conv' (Conv, #0): the weight [2, 3, 3, 3] with "
                    "group 1 does not fit an input of 2 channels") != std::string::npos);
  }
  SUBCASE("an unknown attribute") {
    onnx::ModelProto model = convModel();
    onnx::AttributeProto &extra = *model.mutable_graph()->mutable_node(0)->add_attribute();
    extra.set_name("padz");
    extra.set_type(onnx::AttributeProto::INT);
    CHECK(errorOf(load(dir, model)).find("attribute 'padz' of Conv is not supported") !=
          std::string::npos);
  }
  SUBCASE("a 3-D input") {
    onnx::ModelProto model = convModel();
    model.mutable_graph()
        ->mutable_input(0)
        ->mutable_type()
        ->mutable_tensor_type()
        ->mutable_shape()
        ->mutable_dim()
        ->RemoveLast();
    CHECK(errorOf(load(dir, model)).find("graph input 'x' has 3 dimensions") != std::string::npos);
  }
  SUBCASE("a value nobody produces") {
    onnx::ModelProto model = convModel();
    model.mutable_graph()->mutable_node(1)->set_input(0, "nowhere");
    CHECK(errorOf(load(dir, model)).find("reads 'nowhere', which no earlier node produces") !=
          std::string::npos);
  }
}

TEST_CASE("mutated ONNX models load or fail with a message naming the file, never crash") {
  TempDir dir("tessel-onnx");
  const std::string path = dir.path("mutated.onnx");
  const std::string original = readBytes(kExample);
  REQUIRE(original.size() > 1000);
  SplitMix64 random(2024);
  auto below = [&](size_t bound) { return size_t(random.next() % bound); };
  int loaded = 0;
  for (int round = 0; round < 300; ++round) {
    std::string bytes = original;
    const int edits = 1 + int(below(4));
    for (int e = 0; e < edits; ++e) {
      const size_t at = below(bytes.size());
      switch (below(3)) {
      case 0: bytes[at] = char(random.next()); break;
      case 1: bytes.erase(at, 1 + below(16)); break;
      default: bytes.insert(at, 1 + below(4), char(random.next())); break;
      }
    }
    std::ofstream(path, std::ios::binary) << bytes;
    llvm::Expected<Network> network = loadNetwork(path);
    if (!network) {
      const std::string message = llvm::toString(network.takeError());
      INFO(message);
      CHECK(message.rfind(path + ": ", 0) == 0);
      continue;
    }
    ++loaded;
    CHECK(normalize(*network).layers.size() >= 2);
  }
  MESSAGE(loaded, " of 300 mutated models loaded");
}
