// Helpers for end-to-end tests: run commands, compile a network with
// `tessel`, build the generated project, run its demo.
#pragma once

#include <string>
#include <vector>

namespace e2e {

struct CommandResult {
  int exitCode = -1;
  std::string output; // stdout and stderr
};

// Runs a shell command, capturing its output.
CommandResult runCommand(const std::string &command);
// Runs a shell command; fails the test with its output unless it succeeds
// (`what` names the step in the message). Returns the output.
std::string require(const std::string &command, const std::string &what);

// A fresh, empty work folder for one test: E2E_WORK_DIR/<name>.
std::string freshWorkDir(const std::string &name);

std::string networkPath(const std::string &file); // in networks/

struct BuildOptions {
  std::string compiler = E2E_CXX_COMPILER;
  std::string extraFlags; // e.g. sanitizers
  // The Release configuration's flags. Sanitized builds use -O1: GCC at -O3
  // with AddressSanitizer takes minutes on the unrolled kernels, and -O1 is
  // what the sanitizers' authors recommend.
  std::string releaseFlags = "-O3 -DNDEBUG";
  // -march=native (TESSEL_NATIVE) instead of the compiler's default CPU; see
  // VariantsBuildOptions::nativeCpu.
  bool nativeCpu = false;
};

// `tessel compile` into <work>/gen, then configure and build <work>/build
// with warnings as errors. Returns the demo program's path; fails the test
// (with the command's output) if a step fails.
std::string compileAndBuild(const std::string &work, const std::string &network,
                            const std::string &compileArgs, const BuildOptions &build = {});

std::vector<float> readFloats(const std::string &path);
bool sameBytes(const std::string &pathA, const std::string &pathB);
std::string readText(const std::string &path); // "" when it cannot be read
std::string quote(const std::string &text);

} // namespace e2e
