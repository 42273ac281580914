// Board profiles: the YAML files in targets/ (and any the user writes) that
// tell the compiler what it generates code for. docs/deploy.md describes the
// format; a profile reads like
//
//   description: Raspberry Pi 4 Model B, 64-bit Raspberry Pi OS
//   triple: aarch64-unknown-linux-gnu
//   cpu: cortex-a72
//   fpu: neon-fp-armv8    (optional; 32-bit Arm only)
//   cores: 4
//   threads: 4            (optional; default: cores, or 1 without an OS)
//   vector_bits: 128
//   fp32_fma: true
//   budget_counts: [arena, weights]
//   default_budget: 1GiB
//   gflops_per_core: 4.0
//   latency: {...}  (optional, see latency_profile.h; `tessel calibrate` writes it)
//   toolchain: {file: cmake/toolchains/rpi64.cmake, variables: {TESSEL_RPI_MODEL: pi4}}
//
// Every problem is reported as "FILE:LINE:COL: what is wrong", like network
// descriptions.
#pragma once

#include "ir/network.h"
#include "target/latency_profile.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Triple.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tessel {

// What may count against a board's memory budget.
enum class BudgetItem {
  Arena,   // the activations: always in RAM
  Weights, // the parameters: in RAM on a Linux board, in flash on a microcontroller
};

// How to cross-build generated code for the board: a CMake toolchain file
// from tessel's tree and the cache variables it takes.
struct ToolchainSpec {
  std::string file; // relative to tessel's source tree, e.g. cmake/toolchains/rpi64.cmake
  std::vector<std::pair<std::string, std::string>> variables; // in the order written
};

struct TargetProfile {
  std::string name; // the file's stem: "rpi4"
  SourceLoc loc;    // the profile file, for messages
  std::string description;
  llvm::Triple triple; // normalized; `native` in the file means the machine running tessel
  std::string cpu;     // the -mcpu name, "" when unspecified (host)
  std::string fpu;     // the -mfpu name (32-bit Arm), "" for the compiler's default
  int cores = 1;
  // Threads the generated code runs on unless `tessel compile --threads`
  // says otherwise. Always 1 on bare metal (no OS, no threads).
  int threads = 1;
  int vectorBits = 0;   // width of the float SIMD registers; 0 if floats are scalar only
  bool fp32Fma = false; // a fused float multiply-add instruction
  std::vector<BudgetItem> budgetCounts;
  std::optional<int64_t> defaultBudget;   // bytes; none: no limit unless --budget
  double gflopsPerCore = 0;               // rough placeholder until calibrated on the board
  LatencyProfile latency;                 // the `latency` section, or defaults from gflopsPerCore
  std::optional<ToolchainSpec> toolchain; // none: build with the machine's own compiler
};

// Whether the board runs an OS with POSIX threads: false for bare-metal
// triples such as thumbv8m.main-none-eabihf.
bool hasThreads(const TargetProfile &profile);

// Parses a profile's text. `fileName` names it in messages; `name` becomes
// TargetProfile::name.
llvm::Expected<TargetProfile> parseTargetProfile(llvm::StringRef text, const std::string &fileName,
                                                 const std::string &name);

// The text of a profile file, refused unread beyond kMaxDescriptionBytes.
llvm::Expected<std::string> readTargetProfileText(const std::string &path);

// A profile from a file (--target-file); its name is the file's stem.
llvm::Expected<TargetProfile> loadTargetProfileFile(const std::string &path);

// A profile shipped in targets/ and embedded in the compiler (--target NAME).
llvm::Expected<TargetProfile> loadBuiltinTargetProfile(llvm::StringRef name);

// The names of the shipped profiles, sorted: "cortex-m0plus", ..., "rpi5".
std::vector<std::string> builtinTargetNames();

// The profile used when none is asked for.
inline constexpr const char *kDefaultTargetName = "host";

} // namespace tessel
