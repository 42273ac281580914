// Weights: read from a file in the documented layout, or generated from a
// seed reproducibly and within the documented ranges.
#include "temp_dir.h"

#include "frontend/load_network.h"
#include "frontend/random_weights.h"
#include "frontend/weight_file.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace tessel;
using tessel::testing::TempDir;

namespace {

// Parameters: c1 weight 3x2x3x3 = 54, c1.bn 4 x 3 = 12, c2 weight 2x3 and bias 2,
// fc weight 4x32 and bias 4: 206 in all.
const char *const kWeightedNetwork = R"(name: weighted
input: {channels: 2, height: 4, width: 4}
weights: {file: net.weights}
layers:
  - {name: c1, op: conv2d, filters: 3, kernel: 3, padding: same, batch_norm: true}
  - {name: c2, op: conv2d, filters: 2, kernel: 1}
  - {name: r, op: relu}
  - {name: fc, op: fully_connected, units: 4}
)";
constexpr int kWeightedParameters = 206;

// Distinct values, exact in float32.
float valueAt(int i) {
  return float(i) * 0.25f - 10.0f;
}

std::vector<float> valuesFrom(int first, int count) {
  std::vector<float> values;
  for (int i = first; i < first + count; ++i)
    values.push_back(valueAt(i));
  return values;
}

// As a weights file stores them: little-endian float32.
std::string fileBytes(const std::vector<float> &values) {
  std::string bytes(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], sizeof bits);
    llvm::support::endian::write32le(&bytes[i * 4], bits);
  }
  return bytes;
}

std::string weightBytes(int count) {
  return fileBytes(valuesFrom(0, count));
}

std::string loadError(const std::string &path, const LoadOptions &options = {}) {
  llvm::Expected<Network> network = loadNetwork(path, options);
  return network ? std::string() : llvm::toString(network.takeError());
}

std::vector<const std::vector<float> *> allTensors(const Network &network) {
  std::vector<const std::vector<float> *> tensors;
  for (const Layer &layer : network.layers)
    for (const std::vector<float> *tensor :
         {&layer.weights.weight, &layer.weights.bias, &layer.weights.gamma, &layer.weights.beta,
          &layer.weights.mean, &layer.weights.variance})
      tensors.push_back(tensor);
  return tensors;
}

bool sameBits(const Network &a, const Network &b) {
  std::vector<const std::vector<float> *> left = allTensors(a), right = allTensors(b);
  for (size_t i = 0; i < left.size(); ++i)
    if (left[i]->size() != right[i]->size() ||
        std::memcmp(left[i]->data(), right[i]->data(), left[i]->size() * sizeof(float)) != 0)
      return false;
  return true;
}

Network loadTinyExample() {
  llvm::Expected<Network> network =
      loadNetwork(std::string(TESSEL_TEST_DATA_DIR) + "/good/tiny-example.yaml", {});
  REQUIRE(network);
  return std::move(*network);
}

} // namespace

TEST_CASE("a weights file fills every tensor in file order") {
  TempDir dir("tessel-frontend-test");
  const std::string path = dir.write("net.yaml", kWeightedNetwork);
  dir.write("net.weights", weightBytes(kWeightedParameters));
  llvm::Expected<Network> loaded = loadNetwork(path, {});
  REQUIRE(loaded);
  const Network &network = *loaded;
  CHECK(network.parameterCount() == kWeightedParameters);

  const LayerWeights &c1 = network.layers[network.indexOf("c1")].weights;
  const LayerWeights &bn = network.layers[network.indexOf("c1.bn")].weights;
  const LayerWeights &c2 = network.layers[network.indexOf("c2")].weights;
  const LayerWeights &fc = network.layers[network.indexOf("fc")].weights;
  CHECK(c1.weight == valuesFrom(0, 54));
  CHECK(c1.bias.empty());
  CHECK(bn.gamma == valuesFrom(54, 3));
  CHECK(bn.beta == valuesFrom(57, 3));
  CHECK(bn.mean == valuesFrom(60, 3));
  CHECK(bn.variance == valuesFrom(63, 3));
  CHECK(c2.weight == valuesFrom(66, 6));
  CHECK(c2.bias == valuesFrom(72, 2));
  CHECK(fc.weight == valuesFrom(74, 128));
  CHECK(fc.bias == valuesFrom(202, 4));
}

TEST_CASE("weightFileValues gives back the weights file, in file order") {
  TempDir dir("tessel-frontend-test");
  const std::string path = dir.write("net.yaml", kWeightedNetwork);
  dir.write("net.weights", weightBytes(kWeightedParameters));
  llvm::Expected<Network> loaded = loadNetwork(path, {});
  REQUIRE(loaded);
  CHECK(weightFileValues(*loaded) == valuesFrom(0, kWeightedParameters));
}

TEST_CASE("random weights written as a weights file load back bit for bit") {
  const Network random = loadTinyExample();
  const std::vector<float> values = weightFileValues(random);
  REQUIRE(int64_t(values.size()) == random.parameterCount());
  TempDir dir("tessel-frontend-test");
  std::ifstream source(std::string(TESSEL_TEST_DATA_DIR) + "/good/tiny-example.yaml");
  std::string description((std::istreambuf_iterator<char>(source)),
                          std::istreambuf_iterator<char>());
  const std::string randomWeights = "{random: 7}";
  const size_t at = description.find(randomWeights);
  REQUIRE(at != std::string::npos);
  description.replace(at, randomWeights.size(), "{file: net.weights}");
  dir.write("net.weights", fileBytes(values));
  llvm::Expected<Network> reloaded = loadNetwork(dir.write("net.yaml", description), {});
  REQUIRE(reloaded);
  CHECK(sameBits(random, *reloaded));
}

TEST_CASE("a weights file of the wrong size names both sizes") {
  TempDir dir("tessel-frontend-test");
  const std::string path = dir.write("net.yaml", kWeightedNetwork);
  const std::string weights = dir.write("net.weights", weightBytes(kWeightedParameters - 1));
  CHECK(loadError(path) == path + ":3:17: weights file '" + weights +
                               "' has 820 bytes, but the network needs 824 bytes (206 float32 "
                               "parameters)");
}

TEST_CASE("an input size override makes a weights file with a fully connected layer misfit") {
  TempDir dir("tessel-frontend-test");
  const std::string path = dir.write("net.yaml", kWeightedNetwork);
  dir.write("net.weights", weightBytes(kWeightedParameters));
  LoadOptions options;
  options.inputSize = std::make_pair(8, 8); // fc now reads 2 x 8 x 8 features: 516 parameters
  const std::string message = loadError(path, options);
  INFO("message: ", message);
  CHECK(message.find("but the network needs 2360 bytes (590 float32 parameters)") !=
        std::string::npos);
}

TEST_CASE("random weights are reproducible") {
  const Network first = loadTinyExample();
  const Network second = loadTinyExample();
  CHECK(first.parameterCount() > 0);
  CHECK(sameBits(first, second));

  Network reseeded = loadTinyExample();
  fillRandomWeights(reseeded, 7); // the seed the file names
  CHECK(sameBits(first, reseeded));
  fillRandomWeights(reseeded, 8);
  CHECK_FALSE(sameBits(first, reseeded));
}

TEST_CASE("random weights follow the documented generator") {
  // docs/network-format.md, "Random weights", written out independently.
  auto mix = [](uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  };
  const uint64_t seed = 7, layer = 1, tensor = 0; // conv1's weight
  uint64_t state = mix(mix(mix(seed) ^ layer) ^ tensor);
  const float halfWidth = float(std::sqrt(6.0 / 27.0)); // fan_in 3 x 3 x 3
  const Network network = loadTinyExample();
  const std::vector<float> &weight = network.layers[1].weights.weight;
  REQUIRE(weight.size() == 16 * 27);
  for (int i = 0; i < 3; ++i) {
    state += 0x9E3779B97F4A7C15u;
    const float unit = float(mix(state) >> 40) * 0x1p-24f;
    const float offset = halfWidth * (2.0f * unit - 1.0f);
    CHECK(weight[i] == 0.0f + offset);
  }
}

TEST_CASE("random weights stay in the documented ranges") {
  const Network network = loadTinyExample();
  auto checkRange = [](const std::vector<float> &values, float low, float high) {
    REQUIRE_FALSE(values.empty());
    for (float value : values) {
      CHECK(value >= low);
      CHECK(value <= high);
    }
  };
  const LayerWeights &conv1 = network.layers[network.indexOf("conv1")].weights;
  const float convBound = float(std::sqrt(6.0 / 27.0));
  checkRange(conv1.weight, -convBound, convBound);
  const LayerWeights &norm = network.layers[network.indexOf("conv1.bn")].weights;
  checkRange(norm.gamma, 0.8f, 1.2f);
  checkRange(norm.beta, -0.1f, 0.1f);
  checkRange(norm.mean, -0.1f, 0.1f);
  checkRange(norm.variance, 0.5f, 1.5f);
  const LayerWeights &fc = network.layers[network.indexOf("fc")].weights;
  const float fcBound = float(std::sqrt(6.0 / 16.0));
  checkRange(fc.weight, -fcBound, fcBound);
  checkRange(fc.bias, -0.1f, 0.1f);
  CHECK(conv1.bias.empty()); // batch_norm: true turns the bias off
}
