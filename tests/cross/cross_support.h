// Helpers for the cross tests: check that the cross tools are installed,
// cross-build a generated project with one of tessel's toolchain files, run
// a program under qemu-user, compare an output with the reference executor.
#pragma once

#include "e2e_support.h"

#include <string>
#include <vector>

namespace cross {

// Every comparison with the reference executor allows what the host tests
// allow: max |generated - reference| <= 1e-4 x max |reference|.
inline constexpr double kTolerance = 1e-4;

// A Linux board's toolchain file and what building and running with it needs.
struct LinuxToolchain {
  std::string name;               // "aarch64-gcc": work folders and messages
  std::string toolchainFile;      // in cmake/toolchains/
  std::vector<std::string> tools; // programs it runs: compilers, qemu
  std::string qemu;               // "qemu-aarch64"
  std::string crossRoot;          // "/usr/aarch64-linux-gnu", the target's / for qemu
  std::string board;              // its profile in targets/: "rpi4"
};

const LinuxToolchain &aarch64Gcc();
const LinuxToolchain &armv7Gcc();
const LinuxToolchain &aarch64Clang();
const LinuxToolchain &armv7Clang();

// Fails the test unless every program is on PATH, saying how to install them:
// a missing cross compiler must not pass silently.
void requireTools(const std::vector<std::string> &programs);

// A file in cmake/toolchains/.
std::string toolchainPath(const std::string &file);

// e2e::require: runs a shell command, fails the test unless it succeeds.
using e2e::require;

// `tessel compile --quiet NETWORK -o <work>/gen compileArgs`, then configure
// and build <work>/build with the toolchain file and -Wall -Wextra -Werror.
// Returns the demo program's path.
std::string crossBuildDemo(const std::string &work, const LinuxToolchain &toolchain,
                           const std::string &network, const std::string &compileArgs);

// Runs `program args` under the toolchain's qemu; returns its output.
std::string runUnderQemu(const LinuxToolchain &toolchain, const std::string &program,
                         const std::string &args);

// The reference executor's output for the deterministic input of seed 1,
// written to <work>/reference.bin; returns that path.
std::string referenceOutput(const std::string &work, const std::string &network,
                            const std::string &extraArgs);

// `tessel compare ACTUAL EXPECTED --tolerance kTolerance` must succeed.
// Returns the relative error it reports.
double compareWithReference(const std::string &actual, const std::string &expected);

} // namespace cross
