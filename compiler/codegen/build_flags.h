// The CPU the generated CMakeLists.txt builds the network's library for by
// default: the machine building it (host: -march=native), or the board's
// core (-mcpu, -mfpu) whenever the compiler targets the board's architecture.
// Either gives way to a CPU the build already names (a toolchain file's
// -mcpu, -march in CMAKE_CXX_FLAGS), and each has a CMake option to turn it
// off.
#pragma once

#include <string>
#include <vector>

namespace tessel {

struct BuildFlags {
  std::string target; // the board profile's name, for the comment
  // Code for the machine that builds it: -march=native (-mcpu=native where
  // the compiler has no -march=native) unless cross-compiling.
  bool native = false;
  std::vector<std::string> cpuFlags; // the board's: {"-mcpu=cortex-a72"}; none: no flags
  std::string architecture;          // where they apply, for messages: "AArch64"
  std::string condition;             // a preprocessor test for it: "defined(__aarch64__)"
};

// The CMake text that adds `flags` to `library`'s compile options; "" when
// there are none to add.
std::string buildFlagsCMake(const BuildFlags &flags, const std::string &library);

} // namespace tessel
