// Every shipped network, compiled, built and run, against the reference
// executor. Large networks run at a reduced input size.
//
// Tolerance: the generated code computes in float32 with batch norm folded
// into the weights; the reference accumulates in double and applies batch
// norm separately. We assert max |generated - reference| <= 1e-4 x max |reference|.
#include "e2e_support.h"

#include "frontend/load_network.h"
#include "reference/compare.h"
#include "reference/deterministic_input.h"
#include "reference/run_reference.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <optional>

namespace {

constexpr double kTolerance = 1e-4;

// Returns the normalized error.
double checkAgainstReference(const std::string &name, const std::string &file,
                             std::optional<std::pair<int, int>> inputSize,
                             const e2e::BuildOptions &build = {},
                             const std::string &compileArgs = "") {
  const std::string work = e2e::freshWorkDir(name);
  std::string args = compileArgs;
  if (inputSize)
    args += " --input-size " + std::to_string(inputSize->first) + "x" +
            std::to_string(inputSize->second);
  const std::string demo = e2e::compileAndBuild(work, e2e::networkPath(file), args, build);
  const std::string outputPath = work + "/output.bin";
  e2e::CommandResult run =
      e2e::runCommand(e2e::quote(demo) + " --seed 1 --output " + e2e::quote(outputPath));
  INFO(run.output);
  REQUIRE(run.exitCode == 0);

  tessel::LoadOptions options;
  options.inputSize = inputSize;
  llvm::Expected<tessel::Network> net = tessel::loadNetwork(e2e::networkPath(file), options);
  REQUIRE_MESSAGE(bool(net), llvm::toString(net.takeError()));
  std::vector<float> input = tessel::deterministicInput(net->inputShape.elements(), 1);
  std::vector<float> expected = tessel::runReference(*net, input);
  std::vector<float> actual = e2e::readFloats(outputPath);
  REQUIRE(actual.size() == expected.size());
  tessel::Comparison comparison = tessel::compareOutputs(actual, expected);
  INFO("max abs error " << comparison.maxAbsError << ", max |reference| "
                        << comparison.maxAbsReference << ", at index " << comparison.worstIndex);
  CHECK(comparison.maxAbsReference > 0.0);
  CHECK(comparison.normalizedError <= kTolerance);
  return comparison.normalizedError;
}

// Winograd computes a different sum than the direct kernel, rounded after
// its transforms (constants up to 8 and 1/24 for F(4x4)); im2row computes
// the direct kernel's sum, its padding taps adding zeros: every shipped
// network with a convolution the primitive applies to, each such
// convolution computed with `primitive`, stays within the same tolerance.
// Prints the errors.
void checkPrimitiveAgainstReference(const std::string &primitive) {
  const struct {
    const char *file;
    std::optional<std::pair<int, int>> size;
  } networks[] = {
      {"tiny-chain.yaml", std::nullopt},          {"tiny-residual.yaml", std::nullopt},
      {"yolov2-16.yaml", std::make_pair(64, 64)}, {"yolov2-tiny.yaml", std::make_pair(64, 64)},
      {"vgg16.yaml", std::make_pair(32, 32)},     {"resnet18.yaml", std::make_pair(64, 64)}};
  for (const auto &net : networks) {
    const std::string name = std::string(net.file).substr(0, std::string(net.file).find('.'));
    CAPTURE(name);
    const std::string work = "primitive-" + primitive + "-" + name;
    const double error = checkAgainstReference(
        work, net.file, net.size, {}, "--schedule " + e2e::quote("; " + primitive + ": all"));
    // Not vacuous: the report lists convolutions computed with it.
    const std::string report =
        e2e::readText(std::string(E2E_WORK_DIR) + "/" + work + "/gen/report.json");
    CHECK(report.find("\"primitive\": \"" + primitive + "\"") != std::string::npos);
    MESSAGE(primitive << " on every convolution it applies to in " << name
                      << ": max |error| / max |reference| = " << error);
  }
}

} // namespace

TEST_CASE("tiny-chain matches the reference") {
  checkAgainstReference("tiny-chain", "tiny-chain.yaml", std::nullopt);
}
TEST_CASE("tiny-residual matches the reference") {
  checkAgainstReference("tiny-residual", "tiny-residual.yaml", std::nullopt);
}
TEST_CASE("tiny-depthwise matches the reference") {
  checkAgainstReference("tiny-depthwise", "tiny-depthwise.yaml", std::nullopt);
}
TEST_CASE("tiny-upsample matches the reference") {
  checkAgainstReference("tiny-upsample", "tiny-upsample.yaml", std::nullopt);
}
TEST_CASE("tiny-reorg matches the reference") {
  checkAgainstReference("tiny-reorg", "tiny-reorg.yaml", std::nullopt);
}
TEST_CASE("tiny-standalone matches the reference") {
  checkAgainstReference("tiny-standalone", "tiny-standalone.yaml", std::nullopt);
}
TEST_CASE("yolov2-16 at 64x64, built for this CPU, matches the reference") {
  e2e::BuildOptions native;
  native.nativeCpu = true;
  checkAgainstReference("yolov2-16", "yolov2-16.yaml", std::make_pair(64, 64), native);
}
TEST_CASE("yolov2-tiny at 64x64 matches the reference") {
  checkAgainstReference("yolov2-tiny", "yolov2-tiny.yaml", std::make_pair(64, 64));
}
TEST_CASE("vgg16 at 32x32 matches the reference") {
  checkAgainstReference("vgg16", "vgg16.yaml", std::make_pair(32, 32));
}
TEST_CASE("resnet18 at 64x64 matches the reference") {
  checkAgainstReference("resnet18", "resnet18.yaml", std::make_pair(64, 64));
}
TEST_CASE("mobilenet-v2 at 64x64 matches the reference") {
  checkAgainstReference("mobilenet-v2", "mobilenet-v2.yaml", std::make_pair(64, 64));
}
TEST_CASE("mobilenet-v1 at 64x64 matches the reference") {
  checkAgainstReference("mobilenet-v1", "mobilenet-v1.yaml", std::make_pair(64, 64));
}
TEST_CASE("mcunet-in4 at 64x64 matches the reference") {
  checkAgainstReference("mcunet-in4", "mcunet-in4.yaml", std::make_pair(64, 64));
}

TEST_CASE("Winograd F(4x4, 3x3) convolutions match the reference on the shipped networks") {
  checkPrimitiveAgainstReference("winograd4");
}
TEST_CASE("Winograd F(2x2, 3x3) convolutions match the reference on the shipped networks") {
  checkPrimitiveAgainstReference("winograd2");
}
TEST_CASE("im2row + GEMM convolutions match the reference on the shipped networks") {
  checkPrimitiveAgainstReference("im2row");
}

// ASan catches any access outside the arena: the demo's arena is a global of
// exactly the declared size, and globals get redzones.
static e2e::BuildOptions sanitizedBuild() {
  e2e::BuildOptions sanitized;
  sanitized.extraFlags =
      "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer";
  sanitized.releaseFlags = "-O1 -DNDEBUG";
  return sanitized;
}

TEST_CASE("tiny-residual is clean under AddressSanitizer and UBSan") {
  checkAgainstReference("asan-tiny-residual", "tiny-residual.yaml", std::nullopt, sanitizedBuild());
}

TEST_CASE("tiny-branches, a tile group running its branches out of layer order, is clean under "
          "AddressSanitizer and UBSan") {
  checkAgainstReference("asan-tiny-branches", "tiny-branches.yaml", std::nullopt, sanitizedBuild(),
                        "--schedule " + e2e::quote("0-10:tile2x2, 11:layers"));
}

TEST_CASE("tiny-depthwise is clean under AddressSanitizer and UBSan") {
  checkAgainstReference("asan-tiny-depthwise", "tiny-depthwise.yaml", std::nullopt,
                        sanitizedBuild());
}

TEST_CASE("generated code builds warning-free with clang") {
  const char *clang = "/usr/bin/clang++-14";
  if (!std::filesystem::exists(clang)) {
    MESSAGE("clang++-14 is not installed; scripts/install-deps.sh installs it");
    return;
  }
  e2e::BuildOptions build;
  build.compiler = clang;
  checkAgainstReference("clang-tiny-depthwise", "tiny-depthwise.yaml", std::nullopt, build);
}

TEST_CASE("compiling twice gives byte-identical files") {
  namespace fs = std::filesystem;
  const std::string work = e2e::freshWorkDir("determinism");
  for (const char *out : {"/a", "/b"}) {
    e2e::CommandResult result = e2e::runCommand(
        std::string(TESSEL_EXECUTABLE) + " compile --quiet " +
        e2e::quote(e2e::networkPath("tiny-residual.yaml")) + " -o " + e2e::quote(work + out));
    INFO(result.output);
    REQUIRE(result.exitCode == 0);
  }
  int files = 0;
  for (const auto &entry : fs::recursive_directory_iterator(work + "/a")) {
    if (!entry.is_regular_file())
      continue;
    fs::path relative = fs::relative(entry.path(), work + "/a");
    CAPTURE(relative.string());
    CHECK(e2e::sameBytes(entry.path().string(), (fs::path(work + "/b") / relative).string()));
    ++files;
  }
  CHECK(files >= 6);
}
