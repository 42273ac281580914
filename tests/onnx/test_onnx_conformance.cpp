// The ONNX importer against ONNX's backend test cases (libonnx-testdata):
// every case of a supported operator is imported and run by the reference
// executor and by the generated code, against the case's expected output. A case tessel cannot take
// must be rejected with a diagnostic, never produce a wrong result; the table of cases passed and
// not supported (with the reasons) is printed.
//
// Tolerance: max |tessel - expected| <= 1e-4 x max |expected| (1e-6
// absolute for an all-zero output).
#include "e2e_support.h"
#include "onnx_cases.h"

#include "frontend/load_network.h"
#include "reference/run_reference.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

namespace {

constexpr double kTolerance = 1e-4;

// max |actual - expected| over max |expected|; infinite when sizes differ.
double normalizedError(const std::vector<float> &actual, const std::vector<float> &expected) {
  if (actual.size() != expected.size())
    return INFINITY;
  double largest = 0, error = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    largest = std::max(largest, std::fabs(double(expected[i])));
    const double difference = std::fabs(double(actual[i]) - double(expected[i]));
    error = std::max(error, std::isnan(difference) ? INFINITY : difference);
  }
  return largest > 0 ? error / largest : error / 1e-2;
}

struct Outcome {
  std::string name, op, problem; // problem: why it is not supported
  double error = 0;              // normalized, worst image
  bool supported() const { return problem.empty(); }
};

Outcome runThroughReference(const onnx_cases::PreparedCase &prepared) {
  Outcome outcome{prepared.name, prepared.op, prepared.problem};
  if (!outcome.supported())
    return outcome;
  llvm::Expected<tessel::Network> network = tessel::loadNetwork(prepared.model);
  if (!network) {
    outcome.problem = llvm::toString(network.takeError());
    // The message names the prepared copy; the case's name says which it is.
    const size_t colon = outcome.problem.find(".onnx: ");
    if (colon != std::string::npos)
      outcome.problem = outcome.problem.substr(colon + 7);
    return outcome;
  }
  for (size_t image = 0; image < prepared.inputs.size(); ++image) {
    if (int64_t(prepared.inputs[image].size()) != network->inputShape.elements()) {
      outcome.error = INFINITY;
      break;
    }
    outcome.error = std::max(outcome.error,
                             normalizedError(tessel::runReference(*network, prepared.inputs[image]),
                                             prepared.expected[image]));
  }
  return outcome;
}

// Cases that pass today: a change that makes one of them unsupported or
// wrong fails the test. (The table lists every case.)
const std::vector<std::string> kMustPass = {
    "node/test_averagepool_2d_ceil",
    "node/test_averagepool_2d_default",
    "node/test_averagepool_2d_precomputed_pads",
    "node/test_averagepool_2d_precomputed_pads_count_include_pad",
    "node/test_averagepool_2d_precomputed_same_upper",
    "node/test_averagepool_2d_precomputed_strides",
    "node/test_averagepool_2d_same_lower",
    "node/test_averagepool_2d_same_upper",
    "node/test_averagepool_2d_strides",
    "node/test_basic_conv_with_padding",
    "node/test_basic_conv_without_padding",
    "node/test_conv_with_autopad_same",
    "node/test_conv_with_strides_and_asymmetric_padding",
    "node/test_conv_with_strides_no_padding",
    "node/test_conv_with_strides_padding",
    "node/test_globalaveragepool",
    "node/test_globalaveragepool_precomputed",
    "node/test_maxpool_2d_ceil",
    "node/test_maxpool_2d_default",
    "node/test_maxpool_2d_precomputed_pads",
    "node/test_maxpool_2d_precomputed_same_upper",
    "node/test_maxpool_2d_precomputed_strides",
    "node/test_maxpool_2d_same_lower",
    "node/test_maxpool_2d_same_upper",
    "node/test_maxpool_2d_strides",
    "node/test_upsample_nearest",
    "node/test_resize_upsample_scales_nearest",
    "pytorch-converted/test_Conv2d",
    "pytorch-converted/test_Conv2d_depthwise",
    "pytorch-converted/test_Conv2d_depthwise_padded",
    "pytorch-converted/test_Conv2d_depthwise_strided",
    "pytorch-converted/test_Conv2d_depthwise_with_multiplier",
    "pytorch-converted/test_Conv2d_dilated",
    "pytorch-converted/test_Conv2d_groups",
    "pytorch-converted/test_Conv2d_groups_thnn",
    "pytorch-converted/test_Conv2d_no_bias",
    "pytorch-converted/test_Conv2d_padding",
    "pytorch-converted/test_Conv2d_strided",
    "pytorch-converted/test_AvgPool2d",
    "pytorch-converted/test_AvgPool2d_stride",
    "pytorch-converted/test_BatchNorm2d_eval",
    "pytorch-converted/test_BatchNorm2d_momentum_eval",
    "pytorch-converted/test_MaxPool2d",
    "pytorch-converted/test_ReLU",
    "pytorch-converted/test_Sigmoid",
    "pytorch-converted/test_Linear",
    "pytorch-converted/test_Softmax",
    "pytorch-converted/test_ZeroPad2d",
    "node/test_relu",
    "node/test_leakyrelu",
    "node/test_leakyrelu_default",
    "node/test_hardsigmoid_default",
    "node/test_hardswish",
    "node/test_clip_default_min",
    "node/test_dropout_default",
    "node/test_gemm_transposeB",
    "node/test_matmul_2d",
    "node/test_softmax_example",
    "pytorch-operator/test_operator_conv",
};

void printTable(const std::vector<Outcome> &outcomes) {
  std::map<std::string, std::pair<int, int>> byOp; // passed, not supported
  for (const Outcome &outcome : outcomes)
    (outcome.supported() ? byOp[outcome.op].first : byOp[outcome.op].second) += 1;
  fmt::print("\n| operator | cases | passed | not supported |\n|---|---:|---:|---:|\n");
  int passed = 0;
  for (const auto &[op, counts] : byOp) {
    fmt::print("| {} | {} | {} | {} |\n", op, counts.first + counts.second, counts.first,
               counts.second);
    passed += counts.first;
  }
  fmt::print("| all | {} | {} | {} |\n\nnot supported:\n", outcomes.size(), passed,
             int(outcomes.size()) - passed);
  for (const Outcome &outcome : outcomes)
    if (!outcome.supported())
      fmt::print("  {}: {}\n", outcome.name, outcome.problem);
  fmt::print("passed (worst normalized error):\n");
  for (const Outcome &outcome : outcomes)
    if (outcome.supported())
      fmt::print("  {}: {:.2e}\n", outcome.name, outcome.error);
  std::fflush(stdout);
}

void writeFloats(const std::string &path, const std::vector<float> &values) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char *>(values.data()),
             std::streamsize(values.size() * sizeof(float)));
}

// Compiles the case, builds the generated code in `work` and runs it on
// every image.
void checkGeneratedCode(const onnx_cases::PreparedCase &prepared, const std::string &work) {
  const std::string demo = e2e::compileAndBuild(work, prepared.model, "");
  double worst = 0;
  for (size_t image = 0; image < prepared.inputs.size(); ++image) {
    writeFloats(work + "/input.bin", prepared.inputs[image]);
    const std::string command = e2e::quote(demo) + " --input " + e2e::quote(work + "/input.bin") +
                                " --output " + e2e::quote(work + "/output.bin");
    const e2e::CommandResult result = e2e::runCommand(command);
    INFO(command, "\n", result.output);
    REQUIRE(result.exitCode == 0);
    worst = std::max(
        worst, normalizedError(e2e::readFloats(work + "/output.bin"), prepared.expected[image]));
  }
  fmt::print("  {}: generated code's normalized error {:.2e}\n", prepared.name, worst);
  CHECK(worst <= kTolerance);
}

// Every case the importer takes, through the generated code: shard `shard`
// of kShards (each builds a generated program per case).
constexpr int kShards = 6;

void checkGeneratedCodeShard(int shard) {
  const std::string work = e2e::freshWorkDir("onnx-generated-" + std::to_string(shard));
  const std::vector<onnx_cases::PreparedCase> cases =
      onnx_cases::prepareCases(ONNX_TESTDATA_DIR, work);
  int built = 0;
  for (size_t i = size_t(shard); i < cases.size(); i += kShards) {
    const onnx_cases::PreparedCase &prepared = cases[i];
    if (!prepared.problem.empty())
      continue;
    llvm::Expected<tessel::Network> network = tessel::loadNetwork(prepared.model);
    if (!network) {
      llvm::consumeError(network.takeError());
      continue;
    }
    INFO(prepared.name);
    checkGeneratedCode(prepared, work + "/case" + std::to_string(i));
    ++built;
  }
  std::fflush(stdout);
  MESSAGE(built, " cases through the generated code");
  CHECK(built >= 8);
}

} // namespace

TEST_CASE("every case of a supported operator matches its expected output or is rejected with "
          "a reason") {
  const std::string work = e2e::freshWorkDir("onnx-conformance");
  const std::vector<onnx_cases::PreparedCase> cases =
      onnx_cases::prepareCases(ONNX_TESTDATA_DIR, work);
  REQUIRE(cases.size() > 100);
  std::vector<Outcome> outcomes;
  for (const onnx_cases::PreparedCase &prepared : cases)
    outcomes.push_back(runThroughReference(prepared));
  printTable(outcomes);
  for (const Outcome &outcome : outcomes) {
    INFO(outcome.name);
    if (outcome.supported())
      CHECK(outcome.error <= kTolerance); // never a wrong result
    else
      CHECK(!outcome.problem.empty()); // a diagnostic, never a crash or a wrong result
  }
  for (const std::string &name : kMustPass) {
    auto found = std::find_if(outcomes.begin(), outcomes.end(),
                              [&](const Outcome &o) { return o.name == name; });
    INFO(name);
    REQUIRE(found != outcomes.end());
    INFO(found->problem);
    CHECK(found->supported());
  }
}

TEST_CASE("every supported case through the generated code, shard 1 of 6") {
  checkGeneratedCodeShard(0);
}
TEST_CASE("every supported case through the generated code, shard 2 of 6") {
  checkGeneratedCodeShard(1);
}
TEST_CASE("every supported case through the generated code, shard 3 of 6") {
  checkGeneratedCodeShard(2);
}
TEST_CASE("every supported case through the generated code, shard 4 of 6") {
  checkGeneratedCodeShard(3);
}
TEST_CASE("every supported case through the generated code, shard 5 of 6") {
  checkGeneratedCodeShard(4);
}
TEST_CASE("every supported case through the generated code, shard 6 of 6") {
  checkGeneratedCodeShard(5);
}
