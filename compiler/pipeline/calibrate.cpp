#include "pipeline/calibrate.h"

#include "pipeline/board_build_flags.h"
#include "pipeline/pipeline_error.h"
#include "pipeline/timing_program.h"
#include "search/latency_model.h"
#include "support/embedded_files.h"
#include "support/limits.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>

namespace tessel {
namespace {

// The profile to calibrate: its meaning, and its text's spelling to keep.
struct BaseProfile {
  TargetProfile profile;
  ProfileSpelling spelling;
};

// The text of the profile to calibrate, with the file name and board name it
// goes by.
llvm::Expected<BaseProfile> loadBaseProfile(const CalibrateOptions &options) {
  std::string text, fileName, name;
  if (!options.targetFile.empty()) {
    llvm::Expected<std::string> read = readTargetProfileText(options.targetFile);
    if (!read)
      return failureOf(FailureKind::InvalidInput, read.takeError());
    text = std::move(*read);
    fileName = options.targetFile;
    name = llvm::sys::path::stem(options.targetFile).str();
  } else {
    name = options.targetName.value_or(kDefaultTargetName);
    fileName = "targets/" + name + ".yaml";
    for (const EmbeddedFile &file : embeddedFiles())
      if (file.path == fileName)
        text = std::string(file.text);
    if (text.empty()) // unknown: the loader's message lists the boards
      return failureOf(FailureKind::BadRequest, loadBuiltinTargetProfile(name).takeError());
  }
  llvm::Expected<TargetProfile> profile = parseTargetProfile(text, fileName, name);
  if (!profile)
    return failureOf(options.targetFile.empty() ? FailureKind::BadRequest
                                                : FailureKind::InvalidInput,
                     profile.takeError());
  return BaseProfile{std::move(*profile), readProfileSpelling(text)};
}

// The board must run the timing program, and the tools to build it must be
// there: cmake, and the compiler unless the board's toolchain file picks it.
llvm::Expected<TimingSettings> timingSettings(const TargetProfile &target,
                                              const CalibrateOptions &options) {
  if (target.triple.getOS() == llvm::Triple::UnknownOS)
    return failureOf(FailureKind::BadRequest,
                     fmt::format("target '{}' ({}) has no operating system to run the timing "
                                 "program on; calibrate boards that run Linux",
                                 target.name, target.triple.str()));
  if (target.toolchain && !options.compiler.empty())
    return failureOf(FailureKind::BadRequest,
                     fmt::format("target '{}' builds with its toolchain file ({}), which picks "
                                 "the compiler; --cxx is for targets without one",
                                 target.name, target.toolchain->file));
  TimingSettings settings{
      options.quick, "", "", options.compilerFlags, options.runner, !options.keepDirectory.empty()};
  llvm::ErrorOr<std::string> cmake = llvm::sys::findProgramByName("cmake");
  if (!cmake)
    return failureOf(FailureKind::BadRequest,
                     "cannot find 'cmake' on PATH; calibration builds with it");
  settings.cmake = *cmake;
  if (!target.toolchain) {
    const std::string asked = options.compiler.empty() ? "c++" : options.compiler;
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(asked);
    if (!found)
      return failureOf(FailureKind::BadRequest,
                       fmt::format("cannot find the C++ compiler '{}'{}", asked,
                                   options.compiler.empty() ? "; name one with --cxx" : ""));
    settings.compiler = *found;
  }
  return settings;
}

// The threads a fork and join is timed on: the board's default thread
// count, or its cores when that is 1 (code for it may still be generated
// with --threads); at least 2.
int forkJoinThreads(const TargetProfile &target) {
  return std::clamp(target.threads > 1 ? target.threads : target.cores, 2, kMaxThreads);
}

// Generates the probes and the timing program into `work`, the probes built
// for `target`'s CPU as the code `tessel compile` generates for it.
llvm::Expected<std::vector<ProbeVariant>> writeTimingProject(const std::string &work, bool quick,
                                                             const TargetProfile &target) {
  std::vector<GeneratedFile> files;
  llvm::Expected<std::vector<ProbeVariant>> variants =
      generateProbes(work, quick, buildFlagsFor(target), files);
  if (!variants)
    return failureOf(FailureKind::Impossible, variants.takeError());
  if (llvm::Error error = addTimingProgram(*variants, forkJoinThreads(target), files))
    return failureOf(FailureKind::Impossible, std::move(error));
  if (llvm::Error error = writeFilesAtomically(work, files))
    return failureOf(FailureKind::CannotWrite, std::move(error));
  return variants;
}

std::string utcDate() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

// "calibrated 2026-01-31 on aarch64-unknown-linux-gnu with c++ (GCC 12) -O3"
std::string calibrationSource(const TargetProfile &target, const TimingSettings &settings,
                              const Timings &timings) {
  const std::string compilerName =
      target.toolchain ? llvm::sys::path::filename(target.toolchain->file).str() + " toolchain"
                       : llvm::sys::path::filename(settings.compiler).str();
  return fmt::format(
      "calibrated {} on {} with {}{} {}{}", utcDate(), target.triple.str(), compilerName,
      timings.compilerVersion.empty() ? "" : " (" + timings.compilerVersion + ")",
      settings.compilerFlags, settings.runner.empty() ? "" : " through " + settings.runner);
}

double meanRelativeError(const std::vector<ProbeVariant> &variants, const Timings &timings,
                         const LatencyProfile &latency) {
  double errorSum = 0;
  for (const ProbeVariant &v : variants) {
    const double measured = timings.seconds.at(v.symbol);
    errorSum += std::abs((predictPlanSeconds(v.net, v.plan, latency) - measured) / measured);
  }
  return errorSum / double(variants.size());
}

// The figures fitted to the times with the bytes spilled beyond `cacheBytes`.
llvm::Expected<LatencyProfile> fitWithCache(LatencyProfile base, double cacheBytes,
                                            const std::vector<ProbeVariant> &variants,
                                            const Timings &timings, const std::string &source) {
  base.cacheBytes = cacheBytes;
  std::vector<LatencyMeasurement> measurements;
  for (const ProbeVariant &v : variants)
    measurements.push_back({v.symbol, v.features, timings.seconds.at(v.symbol),
                            planSpilledBytes(v.net, v.plan, base)});
  return fitLatencyProfile(measurements, base, source);
}

// Fits the figures to the times; the calibration without its output file.
// cache_bytes does not enter the times linearly: each size from 256 KiB to
// 64 MiB (and the base profile's) gets its own fit, and the one predicting
// the probes best is kept.
llvm::Expected<Calibration> fitCalibration(BaseProfile base, const TimingSettings &settings,
                                           const std::vector<ProbeVariant> &variants,
                                           const Timings &timings) {
  const std::string source = calibrationSource(base.profile, settings, timings);
  std::vector<double> cacheSizes = {base.profile.latency.cacheBytes};
  for (double size = 256 * 1024; size <= 64 * 1024 * 1024; size *= 2)
    cacheSizes.push_back(size);
  std::optional<LatencyProfile> best;
  double bestError = 0;
  for (double cacheBytes : cacheSizes) {
    llvm::Expected<LatencyProfile> fitted =
        fitWithCache(base.profile.latency, cacheBytes, variants, timings, source);
    if (!fitted)
      return failureOf(FailureKind::Impossible, fitted.takeError());
    const double error = meanRelativeError(variants, timings, *fitted);
    if (!best || error < bestError) {
      best = std::move(*fitted);
      bestError = error;
    }
  }
  Calibration calibration;
  if (timings.forkJoinThreads > 0) { // measured, not fitted: no probe runs on several threads
    best->nsPerForkJoin = timings.forkJoinSeconds * 1e9;
    best->parallelEfficiency = timings.parallelEfficiency;
    calibration.forkJoinThreads = timings.forkJoinThreads;
  }
  for (const ProbeVariant &v : variants)
    calibration.probes.push_back(ProbeTime{v.symbol, timings.seconds.at(v.symbol),
                                           predictPlanSeconds(v.net, v.plan, *best)});
  calibration.meanRelativeError = meanRelativeError(variants, timings, *best);
  base.profile.latency = std::move(*best);
  calibration.profile = std::move(base.profile);
  calibration.spelling = std::move(base.spelling);
  return calibration;
}

llvm::Expected<Calibration> calibrateIn(const std::string &work, const CalibrateOptions &options) {
  llvm::Expected<BaseProfile> base = loadBaseProfile(options);
  if (!base)
    return base.takeError();
  const TargetProfile &target = base->profile;
  llvm::Expected<TimingSettings> settings = timingSettings(target, options);
  if (!settings)
    return settings.takeError();
  llvm::Expected<std::vector<ProbeVariant>> variants =
      writeTimingProject(work, options.quick, target);
  if (!variants)
    return variants.takeError();

  auto progress = [&](const std::string &step) {
    if (options.onProgress)
      options.onProgress(step);
  };
  progress(fmt::format("building {} probe networks for {} with {} {}", variants->size(),
                       target.name, target.toolchain ? target.toolchain->file : settings->compiler,
                       settings->compilerFlags));
  llvm::Expected<std::string> program = buildTimingProgram(work, target, *settings);
  if (!program)
    return failureOf(FailureKind::Impossible, program.takeError());
  progress(fmt::format("timing them{}",
                       settings->runner.empty() ? "" : " through '" + settings->runner + "'"));
  llvm::Expected<Timings> timings = runTimingProgram(work, *program, variants->size(), *settings);
  if (!timings)
    return failureOf(FailureKind::Impossible, timings.takeError());
  llvm::Expected<Calibration> calibration =
      fitCalibration(std::move(*base), *settings, *variants, *timings);
  if (calibration)
    calibration->outputFile = options.outputFile.empty()
                                  ? calibration->profile.name + "-calibrated.yaml"
                                  : options.outputFile;
  return calibration;
}

} // namespace

llvm::Expected<Calibration> calibrateTarget(const CalibrateOptions &options) {
  if (options.targetName && !options.targetFile.empty())
    return failureOf(FailureKind::BadRequest, "give either --target or --target-file, not both");
  if (!options.keepDirectory.empty()) {
    if (std::error_code error = llvm::sys::fs::create_directories(options.keepDirectory))
      return failureOf(
          FailureKind::CannotWrite,
          fmt::format("cannot create '{}': {}", options.keepDirectory, error.message()));
    return calibrateIn(options.keepDirectory, options);
  }
  llvm::SmallString<128> work;
  if (std::error_code error = llvm::sys::fs::createUniqueDirectory("tessel-calibrate", work))
    return failureOf(FailureKind::CannotWrite,
                     fmt::format("cannot create a temporary folder: {}", error.message()));
  llvm::Expected<Calibration> calibration = calibrateIn(work.str().str(), options);
  llvm::sys::fs::remove_directories(work);
  return calibration;
}

llvm::Error writeCalibration(const Calibration &calibration) {
  const std::string text = formatCalibratedProfile(calibration.profile, calibration.spelling);
  const std::string &output = calibration.outputFile;
  // What `compile --target-file` will read must parse.
  if (llvm::Expected<TargetProfile> check =
          parseTargetProfile(text, output, calibration.profile.name);
      !check)
    return failureOf(FailureKind::Impossible, check.takeError());
  llvm::StringRef directory = llvm::sys::path::parent_path(output);
  if (llvm::Error error = writeFilesAtomically(directory.empty() ? "." : directory.str(),
                                               {{llvm::sys::path::filename(output).str(), text}}))
    return failureOf(FailureKind::CannotWrite, std::move(error));
  return llvm::Error::success();
}

} // namespace tessel
