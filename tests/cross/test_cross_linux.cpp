// The generated code on the Raspberry Pi's instruction sets: cross-compiled
// with cmake/toolchains/rpi64.cmake (aarch64) and rpi32.cmake (armv7-a, NEON,
// hard float) at -Wall -Wextra -Werror, run under qemu-user on the
// deterministic input of seed 1, and compared with the host reference
// executor within cross::kTolerance (1e-4 of the output's largest magnitude).
// A tiled schedule must give byte-identical output to the layer-by-layer one
// on the same target, and the Clang toolchain files must work as well.
#include "cross_support.h"

#include <doctest/doctest.h>

namespace {

struct NetworkCase {
  std::string label;     // work folder name
  std::string file;      // in networks/
  std::string inputSize; // "" for the declared size
};

std::string inputSizeArgs(const NetworkCase &network) {
  return network.inputSize.empty() ? std::string() : "--input-size " + network.inputSize;
}

// Builds and runs `network` with each toolchain; every output must match the
// reference. Returns the output files, one per toolchain.
std::vector<std::string> checkAgainstReference(const NetworkCase &network,
                                               const std::vector<cross::LinuxToolchain> &toolchains,
                                               const std::string &compileArgs = "") {
  const std::string work = e2e::freshWorkDir(network.label);
  const std::string path = e2e::networkPath(network.file);
  const std::string reference = cross::referenceOutput(work, path, inputSizeArgs(network));
  std::vector<std::string> outputs;
  for (const cross::LinuxToolchain &toolchain : toolchains) {
    cross::requireTools(toolchain.tools);
    const std::string dir = work + "/" + toolchain.name;
    const std::string demo = cross::crossBuildDemo(dir, toolchain, path,
                                                   "--target " + toolchain.board + " " +
                                                       inputSizeArgs(network) + " " + compileArgs);
    const std::string output = dir + "/output.bin";
    cross::runUnderQemu(toolchain, demo, "--seed 1 --output " + e2e::quote(output));
    const double error = cross::compareWithReference(output, reference);
    MESSAGE(network.label << " on " << toolchain.name << ": max relative error " << error);
    outputs.push_back(output);
  }
  return outputs;
}

} // namespace

TEST_CASE("tiny-chain on aarch64 and armv7 matches the host reference") {
  checkAgainstReference({"tiny-chain", "tiny-chain.yaml", ""},
                        {cross::aarch64Gcc(), cross::armv7Gcc()});
}

TEST_CASE("tiny-depthwise on aarch64 and armv7 matches the host reference") {
  checkAgainstReference({"tiny-depthwise", "tiny-depthwise.yaml", ""},
                        {cross::aarch64Gcc(), cross::armv7Gcc()});
}

TEST_CASE("tiny-residual on aarch64 and armv7 matches the host reference") {
  checkAgainstReference({"tiny-residual", "tiny-residual.yaml", ""},
                        {cross::aarch64Gcc(), cross::armv7Gcc()});
}

// The same network in two schedules: both match the reference, and since
// every schedule computes each value with the same operations in the same
// order, their outputs on one target are identical to the bit. `fused` is
// the second schedule; `primitives` (a schedule's clause, e.g. "winograd4:
// all") holds for both.
void checkSchedulesBitExact(const cross::LinuxToolchain &toolchain, const NetworkCase &network,
                            const std::string &fused, const std::string &primitives = "") {
  const std::string label =
      network.label + "-" + toolchain.name + (primitives.empty() ? "" : "-primitives");
  const std::string clause = primitives.empty() ? "" : "; " + primitives;
  const std::vector<std::string> layers =
      checkAgainstReference({label + "-layers", network.file, network.inputSize}, {toolchain},
                            "--schedule " + e2e::quote(clause));
  const std::vector<std::string> tiled =
      checkAgainstReference({label + "-tiled", network.file, network.inputSize}, {toolchain},
                            "--schedule " + e2e::quote(fused + clause));
  INFO("layers: " << layers.front() << ", tiled: " << tiled.front());
  CHECK(e2e::sameBytes(layers.front(), tiled.front()));
}

// yolov2-16 with tiles, a stream in column bands, and a stream converting
// the output stripe by stripe, its stripes folded into a loop.
void checkSchedulesBitExact(const cross::LinuxToolchain &toolchain,
                            const std::string &primitives = "") {
  checkSchedulesBitExact(toolchain, {"yolov2-16", "yolov2-16.yaml", "64x64"},
                         "0-3:tile3x3, 4-7:stream1x2, 8-15:stream2", primitives);
}

TEST_CASE("yolov2-16 at 64x64 on aarch64: layers and tiled match the reference, bit for bit") {
  checkSchedulesBitExact(cross::aarch64Gcc());
}

TEST_CASE("yolov2-16 at 64x64 on armv7: layers and tiled match the reference, bit for bit") {
  checkSchedulesBitExact(cross::armv7Gcc());
}

// The other primitives: on aarch64 Winograd F(4x4) on every 3x3 stride-1
// convolution and im2row on the 1x1 ones; on armv7 im2row and F(2x2) on
// alternate 3x3 ones and im2row on the 1x1 ones. The NEON vectors of 4 lanes
// and their scalar remainders compute the transforms and the GEMMs as the
// host's do.
TEST_CASE("yolov2-16 at 64x64 on aarch64 with Winograd F(4x4) and im2row: layers and tiled, "
          "bit for bit") {
  checkSchedulesBitExact(cross::aarch64Gcc(), "im2row: all; winograd4: 0, 2, 4, 6, 8, 10, 12, 14");
}

TEST_CASE("yolov2-16 at 64x64 on armv7 with Winograd F(2x2) and im2row: layers and tiled, bit "
          "for bit") {
  checkSchedulesBitExact(cross::armv7Gcc(), "im2row: all; winograd2: 2, 6, 10, 14");
}

// A tile group spanning four residual blocks with their expand, depthwise
// and project runs in channel slices (partial sums added by
// conv2dAccumulate), a stream over two blocks and their adds, and a
// channel split on its own.
TEST_CASE("mobilenet-v2 at 32x32 on aarch64 and armv7: groups spanning branches and channel "
          "splits match layers, bit for bit") {
  for (const cross::LinuxToolchain &toolchain : {cross::aarch64Gcc(), cross::armv7Gcc()})
    checkSchedulesBitExact(toolchain, {"mobilenet-v2", "mobilenet-v2.yaml", "32x32"},
                           "0-12:tile2x2+channels4, 13-20:stream1, 21-23:channels3");
}

TEST_CASE("the Clang toolchain files build warning-free and match the reference") {
  checkAgainstReference({"clang-tiny-depthwise", "tiny-depthwise.yaml", ""},
                        {cross::aarch64Clang(), cross::armv7Clang()});
}
