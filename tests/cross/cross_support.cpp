#include "cross_support.h"

#include <doctest/doctest.h>

#include "llvm/Support/Program.h"

#include <cstdlib>

namespace cross {

const LinuxToolchain &aarch64Gcc() {
  static const LinuxToolchain toolchain{"aarch64-gcc",
                                        "rpi64.cmake",
                                        {"aarch64-linux-gnu-g++", "qemu-aarch64"},
                                        "qemu-aarch64",
                                        "/usr/aarch64-linux-gnu",
                                        "rpi4"};
  return toolchain;
}

const LinuxToolchain &armv7Gcc() {
  static const LinuxToolchain toolchain{"armv7-gcc",
                                        "rpi32.cmake",
                                        {"arm-linux-gnueabihf-g++", "qemu-arm"},
                                        "qemu-arm",
                                        "/usr/arm-linux-gnueabihf",
                                        "rpi-zero2"};
  return toolchain;
}

// Clang uses the GCC cross packages' libraries and linker.
const LinuxToolchain &aarch64Clang() {
  static const LinuxToolchain toolchain{"aarch64-clang",
                                        "rpi64-clang.cmake",
                                        {"clang++-14", "aarch64-linux-gnu-g++", "qemu-aarch64"},
                                        "qemu-aarch64",
                                        "/usr/aarch64-linux-gnu",
                                        "rpi4"};
  return toolchain;
}

const LinuxToolchain &armv7Clang() {
  static const LinuxToolchain toolchain{"armv7-clang",
                                        "rpi32-clang.cmake",
                                        {"clang++-14", "arm-linux-gnueabihf-g++", "qemu-arm"},
                                        "qemu-arm",
                                        "/usr/arm-linux-gnueabihf",
                                        "rpi-zero2"};
  return toolchain;
}

void requireTools(const std::vector<std::string> &programs) {
  for (const std::string &program : programs)
    if (!llvm::sys::findProgramByName(program))
      FAIL(program << " is not installed: run scripts/install-deps.sh --cross "
                   << "(installs the cross compilers and qemu-user)");
}

std::string toolchainPath(const std::string &file) {
  return std::string(TESSEL_SOURCE_DIR) + "/cmake/toolchains/" + file;
}

std::string crossBuildDemo(const std::string &work, const LinuxToolchain &toolchain,
                           const std::string &network, const std::string &compileArgs) {
  const std::string gen = work + "/gen", build = work + "/build";
  require(std::string(TESSEL_EXECUTABLE) + " compile --quiet " + e2e::quote(network) + " -o " +
              e2e::quote(gen) + " " + compileArgs,
          "tessel compile");
  // CXXFLAGS, not CMAKE_CXX_FLAGS: the toolchain file's CPU flags are added
  // to it, while CMAKE_CXX_FLAGS on the command line would replace them.
  require("CXXFLAGS='-Wall -Wextra -Werror' " + std::string(E2E_CMAKE) + " -S " + e2e::quote(gen) +
              " -B " + e2e::quote(build) + " -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE=" +
              e2e::quote(toolchainPath(toolchain.toolchainFile)),
          "configuring the generated project for " + toolchain.name);
  require(std::string(E2E_CMAKE) + " --build " + e2e::quote(build),
          "building the generated project for " + toolchain.name);
  const std::string demo = require(
      "find " + e2e::quote(build) + " -maxdepth 1 -type f -name '*_demo'", "finding the demo");
  REQUIRE_MESSAGE(!demo.empty(), "no demo program in " << build);
  return demo.substr(0, demo.find('\n'));
}

std::string runUnderQemu(const LinuxToolchain &toolchain, const std::string &program,
                         const std::string &args) {
  return require(toolchain.qemu + " -L " + toolchain.crossRoot + " " + e2e::quote(program) + " " +
                     args,
                 "running under " + toolchain.qemu);
}

std::string referenceOutput(const std::string &work, const std::string &network,
                            const std::string &extraArgs) {
  const std::string output = work + "/reference.bin";
  require(std::string(TESSEL_EXECUTABLE) + " run " + e2e::quote(network) + " --seed 1 --output " +
              e2e::quote(output) + " " + extraArgs,
          "the reference executor");
  return output;
}

double compareWithReference(const std::string &actual, const std::string &expected) {
  const std::string command = std::string(TESSEL_EXECUTABLE) + " compare " + e2e::quote(actual) +
                              " " + e2e::quote(expected) + " --tolerance " +
                              std::to_string(kTolerance);
  e2e::CommandResult result = e2e::runCommand(command);
  INFO(result.output);
  CHECK(result.exitCode == 0);
  // "... relative to it 1.88e-07: within tolerance 0.0001"
  const std::string marker = "relative to it ";
  const size_t at = result.output.find(marker);
  REQUIRE(at != std::string::npos);
  return std::strtod(result.output.c_str() + at + marker.size(), nullptr);
}

} // namespace cross
