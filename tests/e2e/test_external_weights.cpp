// `tessel compile --weight-storage external`: the library leaves the weights
// out, run() takes them, and NET_check_weights() checks a blob's size and
// checksum. The output must be the embedded build's byte for byte.
#include "e2e_support.h"

#include "tessel/status.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string readAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

e2e::CommandResult runDemo(const std::string &demo, const std::string &arguments) {
  return e2e::runCommand(e2e::quote(demo) + " --seed 1 " + arguments);
}

} // namespace

TEST_CASE("external weights: the same output as embedded ones, checked before use") {
  const std::string work = e2e::freshWorkDir("external-weights");
  const std::string network = e2e::networkPath("tiny-residual.yaml");
  const std::string embedded = e2e::compileAndBuild(work + "/embedded", network, "");
  const std::string external =
      e2e::compileAndBuild(work + "/external", network, "--weight-storage external");

  // Nothing embedded: no assembler file, and the header states size and checksum.
  const std::string gen = work + "/external/gen";
  CHECK_FALSE(std::filesystem::exists(gen + "/tiny_residual_weights.S"));
  const std::string weights = readAll(gen + "/tiny_residual.weights");
  REQUIRE(!weights.empty());
  const std::string header = readAll(gen + "/tiny_residual.h");
  CHECK(header.find("#define TINY_RESIDUAL_WEIGHTS_BYTES " + std::to_string(weights.size()) +
                    "u") != std::string::npos);
  // The compiler's checksum is the one the runtime computes.
  char checksum[32];
  std::snprintf(checksum, sizeof checksum, "0x%016llXull",
                static_cast<unsigned long long>(tessel::weightsChecksum(
                    reinterpret_cast<const unsigned char *>(weights.data()), weights.size())));
  CHECK(header.find(std::string("#define TINY_RESIDUAL_WEIGHTS_CHECKSUM ") + checksum) !=
        std::string::npos);
  CHECK(header.find("int tiny_residual_run(const float *input, float *output, void *arena, "
                    "const void *weights);") != std::string::npos);

  const e2e::CommandResult fromEmbedded =
      runDemo(embedded, "--output " + e2e::quote(work + "/embedded.bin"));
  const e2e::CommandResult fromExternal =
      runDemo(external, "--output " + e2e::quote(work + "/external.bin"));
  INFO(fromEmbedded.output, fromExternal.output);
  REQUIRE(fromEmbedded.exitCode == 0);
  REQUIRE(fromExternal.exitCode == 0);
  CHECK(e2e::sameBytes(work + "/embedded.bin", work + "/external.bin"));

  // One flipped bit: the checksum rejects it (status 5); a short file is refused.
  std::string corrupted = weights;
  corrupted[corrupted.size() / 2] ^= 1;
  std::ofstream(work + "/corrupted.weights", std::ios::binary) << corrupted;
  const e2e::CommandResult rejected =
      runDemo(external, "--weights " + e2e::quote(work + "/corrupted.weights"));
  CHECK(rejected.exitCode == 1);
  CHECK(rejected.output.find("is not this network's weights file (status 5)") != std::string::npos);
  std::ofstream(work + "/short.weights", std::ios::binary) << weights.substr(1);
  const e2e::CommandResult shortFile =
      runDemo(external, "--weights " + e2e::quote(work + "/short.weights"));
  CHECK(shortFile.exitCode == 1);
  CHECK(shortFile.output.find("must hold exactly " + std::to_string(weights.size()) +
                              " bytes of weights") != std::string::npos);
}
