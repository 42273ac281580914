// Builds many schedules of one or more networks into a single program and
// checks the schedule contract: every schedule's output is bit-identical to
// the `layers` schedule's, and nothing outside the planned arena is touched.
//
// Each network is compiled once per schedule with `tessel compile --name`
// (plus a `layers` variant as the reference); one superbuild CMakeLists.txt
// add_subdirectory()s every generated folder and builds one driver program,
// so a whole batch costs one configure and one build. The driver runs every
// variant three times (see the template in schedule_variants.cpp):
//
//   1. in a guarded buffer: the arena between two guard zones, filled with
//      one byte pattern, the output between guard zones too;
//   2. the same with other patterns, so an output that depends on
//      uninitialized arena bytes, on bytes outside the arena or on output
//      elements nobody wrote differs between the runs;
//   3. in an arena of exactly the planned size, so AddressSanitizer (when
//      built with it) reports any access beyond it.
//
// Guard zones are checked after every run, the input buffer must stay
// unchanged, and every output must equal the reference's byte for byte.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace e2e {

// One network at one input size with the schedules to compare against
// `layers`.
struct NetworkVariants {
  std::string label;     // names the network in reports, e.g. "yolov2-16@96x96"
  std::string network;   // path of the network description
  std::string inputSize; // "HxW" for --input-size, or empty
  std::vector<std::string> schedules;
  // Threads of every schedule (tessel compile --threads); the `layers`
  // reference always runs on one, so the output on several threads must
  // equal one thread's byte for byte.
  int threads = 1;
  // Convolution primitives for every schedule, the `layers` reference
  // included (a schedule text's clause, e.g. "winograd4: 0-5"): each
  // schedule must match `layers` computing with the same primitives.
  std::string primitives = "";
};

struct VariantsBuildOptions {
  std::string compiler = E2E_CXX_COMPILER;
  // Optimization for the driver and every variant; Release (-O3) is what
  // users build, lighter levels keep large randomized batches fast.
  std::string optimization = "-O3";
  std::string extraFlags; // compile and link flags, e.g. sanitizers
  int jobs = 2;
  // Build the variants with -march=native (the generated CMakeLists.txt's
  // TESSEL_NATIVE) instead of the compiler's default CPU. On AVX-512
  // machines that doubles the build time of every kernel instantiation, so
  // only the batches that check the widest vectors ask for it.
  bool nativeCpu = false;
  // Compile each network's variants as one translation unit instead of
  // building the generated libraries: they then share every kernel
  // instantiation, which is most of the build time. The generated
  // CMakeLists.txt files are still configured and their compile settings
  // used; linking them as they are is left to the default mode.
  bool oneUnitPerNetwork = false;
  // Also check that the arena in each generated header is the one
  // `tessel info --schedule S` plans (one more tessel run per variant).
  bool checkInfoArena = true;
  // Delete the work folder when everything passed (large networks embed
  // their weights in every variant).
  bool removeWhenPassed = true;
  // Called with the work folder once every variant is generated, before the
  // build. The test of this checker breaks generated code with it.
  std::function<void(const std::string &work)> beforeBuild;
};

// A schedule that did not hold up: rejected by `tessel compile`, did not
// build, or failed a check in the driver.
struct VariantFailure {
  int network = 0;  // index into the batch
  int schedule = 0; // index into NetworkVariants::schedules
  std::string message;
};

struct VariantsResult {
  int passed = 0; // schedules that passed every check (references not counted)
  std::vector<VariantFailure> failures;
  // Set when the batch could not be judged schedule by schedule (e.g.
  // configuring the superbuild failed); explains what went wrong.
  std::string batchError;
  std::string log;     // the driver's output, or the failing step's output
  std::string timings; // "35 variants generated in 3.1 s, configured in 2.0 s, ..."

  bool allPassed() const { return failures.empty() && batchError.empty(); }
  // Every failure with its network and schedule, one per line.
  std::string describeFailures(const std::vector<NetworkVariants> &batch) const;
};

// Compiles, builds and runs the batch in the fresh work folder `work`.
VariantsResult runScheduleVariants(const std::string &work,
                                   const std::vector<NetworkVariants> &batch,
                                   const VariantsBuildOptions &options = {});

} // namespace e2e
