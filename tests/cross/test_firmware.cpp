// Cortex-M firmware: the generated library of small networks built with
// cmake/toolchains/cortex-m33.cmake (FPU, hard float) and cortex-m0plus.cmake
// (software floating point), on its own (library only: there is no OS for
// the demo) and linked into examples/firmware, a bare-metal image with its
// own startup code and memory map. The image must link with gcc (no C++
// library), contain no C++ runtime symbols, and fit the chip's memory; the
// test prints its text/data/bss.
#include "cross_support.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

namespace {

// Symbols that would mean the code needs the C++ runtime: exceptions and
// unwinding, RTTI and vtables, operator new/delete, guards and destructors
// of statics.
const char *const kCxxRuntimeSymbols[] = {"__cxa_",        "__gxx_personality",
                                          "_Unwind_",      "__aeabi_unwind_cpp_pr",
                                          "_ZTI",          "_ZTV",
                                          "_ZTS",          "_Znw",
                                          "_Zna",          "_ZdlP",
                                          "_ZdaP",         "__dso_handle",
                                          "_ZSt9terminate"};

void checkFirmware(const std::string &board, const std::string &network) {
  cross::requireTools(
      {"arm-none-eabi-gcc", "arm-none-eabi-g++", "arm-none-eabi-nm", "arm-none-eabi-size"});
  const std::string work = e2e::freshWorkDir("firmware-" + board + "-" + network);
  const std::string gen = work + "/gen";
  const std::string toolchain = cross::toolchainPath(board + ".cmake");
  cross::require(std::string(TESSEL_EXECUTABLE) + " compile --quiet " +
                     e2e::quote(e2e::networkPath(network + ".yaml")) + " -o " + e2e::quote(gen) +
                     " --name network --target " + board,
                 "tessel compile");

  // The generated folder on its own: a bare-metal build makes the library
  // and no demo.
  const std::string library = work + "/library";
  cross::require(
      "CXXFLAGS='-Wall -Wextra -Werror' " + std::string(E2E_CMAKE) + " -S " + e2e::quote(gen) +
          " -B " + e2e::quote(library) +
          " -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_TOOLCHAIN_FILE=" + e2e::quote(toolchain),
      "configuring the generated project for " + board);
  cross::require(std::string(E2E_CMAKE) + " --build " + e2e::quote(library),
                 "building the generated library for " + board);
  CHECK(std::filesystem::exists(library + "/libnetwork.a"));
  CHECK_FALSE(std::filesystem::exists(library + "/network_demo"));

  // The firmware image around it.
  const std::string image = work + "/firmware";
  cross::require("CFLAGS=-Werror CXXFLAGS='-Wall -Wextra -Werror' " + std::string(E2E_CMAKE) +
                     " -S " + e2e::quote(std::string(TESSEL_SOURCE_DIR) + "/examples/firmware") +
                     " -B " + e2e::quote(image) + " -DTESSEL_NETWORK_DIR=" + e2e::quote(gen) +
                     " -DCMAKE_TOOLCHAIN_FILE=" + e2e::quote(toolchain),
                 "configuring examples/firmware for " + board);
  cross::require(std::string(E2E_CMAKE) + " --build " + e2e::quote(image),
                 "linking examples/firmware for " + board);
  const std::string elf = image + "/firmware.elf";

  const std::string symbols = cross::require("arm-none-eabi-nm " + e2e::quote(elf), "nm");
  for (const char *symbol : kCxxRuntimeSymbols) {
    INFO("the image refers to the C++ runtime (" << symbol << "):\n" << symbols);
    CHECK(symbols.find(symbol) == std::string::npos);
  }
  CHECK(symbols.find("network_run") != std::string::npos);

  // "   text    data     bss     dec     hex filename" and one line of numbers.
  const std::string sizes = cross::require("arm-none-eabi-size " + e2e::quote(elf), "size");
  std::istringstream lines(sizes);
  std::string header, numbers;
  std::getline(lines, header);
  std::getline(lines, numbers);
  long text = 0, data = 0, bss = 0;
  std::istringstream(numbers) >> text >> data >> bss;
  MESSAGE(network << " on " << board << ": text " << text << ", data " << data << ", bss " << bss
                  << " bytes (bss: arena, input, output, 8 KiB stack)");
  CHECK(text > 0);
  CHECK(bss > 0);
}

} // namespace

TEST_CASE("Cortex-M33 firmware with tiny-chain and tiny-depthwise links with no C++ runtime") {
  checkFirmware("cortex-m33", "tiny-chain");
  checkFirmware("cortex-m33", "tiny-depthwise");
}

TEST_CASE("Cortex-M0+ firmware with tiny-chain and tiny-depthwise links with no C++ runtime") {
  checkFirmware("cortex-m0plus", "tiny-chain");
  checkFirmware("cortex-m0plus", "tiny-depthwise");
}
