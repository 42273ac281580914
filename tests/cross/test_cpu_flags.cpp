// The CPU flags of the generated CMakeLists.txt reach the compiler exactly
// when they should: a board's -mcpu/-mfpu when the compiler targets the
// board's architecture and nothing names a CPU already; -march=native for
// host code unless turned off; nothing for a board's code built for another
// machine (the tests build Pi code on x86).
#include "cross_support.h"

#include <doctest/doctest.h>

namespace {

// `tessel compile` tiny-chain for `target`, configure it with `cmakeArgs`
// (compile commands exported, nothing built); returns the command that
// compiles the network's source.
std::string networkCompileCommand(const std::string &label, const std::string &target,
                                  const std::string &cmakeArgs) {
  const std::string work = e2e::freshWorkDir("cpu-flags-" + label);
  cross::require(std::string(TESSEL_EXECUTABLE) + " compile --quiet " +
                     e2e::quote(e2e::networkPath("tiny-chain.yaml")) + " -o " +
                     e2e::quote(work + "/gen") + " --schedule '' --threads 1 --target " + target,
                 "tessel compile");
  cross::require(std::string(E2E_CMAKE) + " -S " + e2e::quote(work + "/gen") + " -B " +
                     e2e::quote(work + "/build") +
                     " -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON " + cmakeArgs,
                 "configuring the generated project");
  const std::string commands = e2e::readText(work + "/build/compile_commands.json");
  const size_t source = commands.find("tiny_chain.cpp\"");
  REQUIRE_MESSAGE(source != std::string::npos, commands);
  const size_t command = commands.rfind("\"command\":", source);
  REQUIRE(command != std::string::npos);
  return commands.substr(command, source - command);
}

// A cross compiler named directly, without one of tessel's toolchain files.
std::string plainCrossCompiler(const std::string &triple, const std::string &system) {
  return "-DCMAKE_SYSTEM_NAME=" + system + " -DCMAKE_CXX_COMPILER=" + triple +
         "-g++ -DCMAKE_ASM_COMPILER=" + triple +
         "-gcc -DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY";
}

bool has(const std::string &command, const std::string &flag) {
  return (command + " ").find(" " + flag + " ") != std::string::npos;
}

} // namespace

TEST_CASE("host code builds for the build machine's CPU unless TESSEL_NATIVE is off") {
  const std::string compiler = "-DCMAKE_CXX_COMPILER=" + e2e::quote(E2E_CXX_COMPILER);
  const std::string native = networkCompileCommand("host", "host", compiler);
  CHECK(has(native, "-march=native"));
  const std::string off =
      networkCompileCommand("host-off", "host", compiler + " -DTESSEL_NATIVE=OFF");
  CHECK_FALSE(has(off, "-march=native"));
  // A CPU the user names wins.
  const std::string named = networkCompileCommand(
      "host-named", "host", compiler + " '-DCMAKE_CXX_FLAGS=-march=x86-64-v2'");
  CHECK_FALSE(has(named, "-march=native"));
}

TEST_CASE("a Pi profile's code built for the build machine gets no board flags") {
  const std::string command = networkCompileCommand(
      "rpi4-on-host", "rpi4", "-DCMAKE_CXX_COMPILER=" + e2e::quote(E2E_CXX_COMPILER));
  CHECK(command.find("-mcpu") == std::string::npos);
  CHECK(command.find("-march=native") == std::string::npos);
}

TEST_CASE("a Pi profile's flags reach a plain cross compiler, and a toolchain file's -mcpu wins") {
  cross::requireTools({"aarch64-linux-gnu-g++", "arm-linux-gnueabihf-g++"});
  const std::string rpi5 =
      networkCompileCommand("rpi5-plain", "rpi5", plainCrossCompiler("aarch64-linux-gnu", "Linux"));
  CHECK(has(rpi5, "-mcpu=cortex-a76"));
  const std::string zero2 = networkCompileCommand(
      "rpi-zero2-plain", "rpi-zero2", plainCrossCompiler("arm-linux-gnueabihf", "Linux"));
  CHECK(has(zero2, "-mcpu=cortex-a53"));
  CHECK(has(zero2, "-mfpu=neon-fp-armv8"));
  // Not the 32-bit flags for a 64-bit compiler.
  const std::string zero2On64 = networkCompileCommand(
      "rpi-zero2-on-aarch64", "rpi-zero2", plainCrossCompiler("aarch64-linux-gnu", "Linux"));
  CHECK(zero2On64.find("-mfpu") == std::string::npos);

  const std::string toolchain = networkCompileCommand(
      "rpi5-toolchain", "rpi5",
      "-DCMAKE_TOOLCHAIN_FILE=" + e2e::quote(cross::toolchainPath("rpi64.cmake")) +
          " -DTESSEL_RPI_MODEL=pi4");
  CHECK(has(toolchain, "-mcpu=cortex-a72"));
  CHECK_FALSE(has(toolchain, "-mcpu=cortex-a76"));
}

TEST_CASE("a Cortex-M profile's flags reach a plain bare-metal compiler, not a Pi's") {
  cross::requireTools({"arm-none-eabi-g++", "arm-linux-gnueabihf-g++"});
  const std::string m33 = networkCompileCommand("cortex-m33-plain", "cortex-m33",
                                                plainCrossCompiler("arm-none-eabi", "Generic"));
  CHECK(has(m33, "-mcpu=cortex-m33"));
  CHECK(has(m33, "-mthumb"));
  CHECK(has(m33, "-mfpu=fpv5-sp-d16"));
  const std::string onPi = networkCompileCommand(
      "cortex-m33-on-armv7", "cortex-m33", plainCrossCompiler("arm-linux-gnueabihf", "Linux"));
  CHECK(onPi.find("-mcpu") == std::string::npos);
}
