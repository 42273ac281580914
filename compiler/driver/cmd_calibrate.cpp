// `tessel calibrate [--target BOARD | --target-file F] [-o profile.yaml]`:
// measures a board's latency figures (target/latency_profile.h). It generates
// the probe networks (search/calibration_probes.h) under several schedules,
// builds them into one timing program with the board's compiler, runs it
// (through --runner for another machine), fits the figures to the times
// (search/calibration_fit.h) and writes the board profile with its
// `latency:` section. docs/latency-model.md explains the model.
#include "codegen/escaping.h"
#include "codegen/network_emitter.h"
#include "codegen/template_filler.h"
#include "driver/options.h"
#include "frontend/load_network.h"
#include "normalize/normalize.h"
#include "schedule/schedule.h"
#include "search/calibration_fit.h"
#include "search/calibration_probes.h"
#include "search/latency_model.h"
#include "support/embedded_files.h"
#include "target/target_profile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <thread>

namespace cl = llvm::cl;

namespace tessel::driver {

static cl::opt<std::string>
    TargetName("target", cl::init(kDefaultTargetName), cl::value_desc("board"),
               cl::desc("Board profile from targets/ to calibrate (default: host)"),
               cl::sub(calibrateCommand()));
static cl::opt<std::string> TargetFile("target-file", cl::value_desc("profile.yaml"),
                                       cl::desc("Calibrate the board profile in this file"),
                                       cl::sub(calibrateCommand()));
static cl::opt<std::string>
    OutputFile("o", cl::value_desc("profile.yaml"),
               cl::desc("Where to write the calibrated profile (default: <board>-calibrated.yaml)"),
               cl::sub(calibrateCommand()));
static cl::opt<std::string> Compiler(
    "cxx", cl::value_desc("compiler"),
    cl::desc("C++ compiler for boards without a toolchain in their profile (default: c++)"),
    cl::sub(calibrateCommand()));
static cl::opt<std::string> CompilerFlags(
    "cxx-flags", cl::init("-O3"), cl::value_desc("flags"),
    cl::desc("Optimization flags: those you build the generated code with, e.g. \"-O3 "
             "-march=native\" (default: -O3)"),
    cl::sub(calibrateCommand()));
static cl::opt<std::string>
    Runner("runner", cl::value_desc("command prefix"),
           cl::desc("Runs the timing program, e.g. \"qemu-aarch64 -L /usr/aarch64-linux-gnu\" or a "
                    "script that copies it to the board (default: run it here)"),
           cl::sub(calibrateCommand()));
static cl::opt<bool> Quick("quick",
                           cl::desc("Fewer probes and shorter samples: a first look, for tests"),
                           cl::sub(calibrateCommand()));
static cl::opt<std::string>
    KeepDirectory("keep", cl::value_desc("dir"),
                  cl::desc("Build the timing program in this folder and keep it"),
                  cl::sub(calibrateCommand()));

namespace {

llvm::Error failure(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string shellQuoted(const std::string &text) {
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string readWholeFile(const std::string &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

// The last `count` lines of `text`, for messages about a failed tool.
std::string lastLines(const std::string &text, int count) {
  size_t start = text.size();
  while (start > 0 && text[start - 1] == '\n')
    --start;
  for (int lines = 0; start > 0; --start)
    if (text[start - 1] == '\n' && ++lines == count)
      break;
  return text.substr(start);
}

// Runs `command` with /bin/sh, its output going to `logPath`. Returns the
// exit code (-1 if it could not run).
int runShell(const std::string &command, const std::string &logPath) {
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(logPath),
                                                 llvm::StringRef(logPath)};
  std::string message;
  return llvm::sys::ExecuteAndWait("/bin/sh", {"sh", "-c", command}, llvm::None, redirects, 0, 0,
                                   &message);
}

// ---- The board profile: its text (to keep what the file says) and meaning.

struct BaseProfile {
  TargetProfile profile;
  YAML::Node raw; // as written: `native` stays `native`, `1GiB` stays `1GiB`
};

llvm::Expected<BaseProfile> loadBaseProfile() {
  std::string text, fileName, name;
  if (!TargetFile.empty()) {
    llvm::Expected<std::string> read = readTargetProfileText(TargetFile);
    if (!read)
      return read.takeError();
    text = std::move(*read);
    fileName = TargetFile;
    name = llvm::sys::path::stem(TargetFile).str();
  } else {
    const std::string path = "targets/" + TargetName + ".yaml";
    for (const EmbeddedFile &file : embeddedFiles())
      if (file.path == path)
        text = std::string(file.text);
    if (text.empty()) // unknown: the loader's message lists the boards
      return loadBuiltinTargetProfile(TargetName).takeError();
    fileName = path;
    name = TargetName;
  }
  llvm::Expected<TargetProfile> profile = parseTargetProfile(text, fileName, name);
  if (!profile)
    return profile.takeError();
  return BaseProfile{std::move(*profile), YAML::Load(text)};
}

std::string yamlQuoted(const std::string &text) {
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return quoted + "\"";
}

// The profile file: the base profile's fields as it wrote them, with the
// fitted `latency` section.
std::string formatCalibratedProfile(const BaseProfile &base, const LatencyProfile &latency) {
  const TargetProfile &p = base.profile;
  auto raw = [&](const char *key) { return base.raw[key].Scalar(); };
  std::string text = fmt::format("# {}: measured by `tessel calibrate`. Format: docs/deploy.md; "
                                 "the latency figures: docs/latency-model.md.\n",
                                 p.name);
  text += fmt::format("description: {}\n", yamlQuoted(p.description));
  text += fmt::format("triple: {}\n", raw("triple"));
  if (!p.cpu.empty())
    text += fmt::format("cpu: {}\n", p.cpu);
  text += fmt::format("cores: {}\n", raw("cores"));
  if (base.raw["threads"])
    text += fmt::format("threads: {}\n", raw("threads"));
  text += fmt::format("vector_bits: {}\n", p.vectorBits);
  text += fmt::format("fp32_fma: {}\n", p.fp32Fma ? "true" : "false");
  std::vector<std::string> counts;
  for (BudgetItem item : p.budgetCounts)
    counts.push_back(item == BudgetItem::Arena ? "arena" : "weights");
  text += fmt::format("budget_counts: [{}]\n", llvm::join(counts, ", "));
  text += fmt::format("default_budget: {}\n", raw("default_budget"));
  text += fmt::format("gflops_per_core: {}\n", raw("gflops_per_core"));
  text += formatLatencyProfile(latency);
  if (p.toolchain) {
    text += fmt::format("toolchain:\n  file: {}\n", p.toolchain->file);
    if (!p.toolchain->variables.empty()) {
      std::vector<std::string> variables;
      for (const auto &[key, value] : p.toolchain->variables)
        variables.push_back(fmt::format("{}: {}", key, yamlQuoted(value)));
      text += fmt::format("  variables: {{{}}}\n", llvm::join(variables, ", "));
    }
  }
  return text;
}

// ---- The probes, generated and lowered.

struct ProbeVariant {
  std::string symbol; // the generated code's name: "conv3x3_c4_tile8x8"
  Network net;        // normalized
  ExecutionPlan plan;
  PlanFeatures features{};
};

PlanFeatures sumFeatures(const Network &net, const ExecutionPlan &plan) {
  PlanFeatures total{};
  for (const Operation &op : plan.operations)
    if (std::optional<OperationFeatures> f = featuresOf(net, op)) {
      std::array<double, 4> &sum = total[size_t(f->kind)];
      sum[0] += f->work;
      sum[1] += f->pixels;
      sum[2] += f->rows;
      sum[3] += f->calls;
    }
  return total;
}

// Generates every probe under every schedule into `files` (one folder per
// variant under probes/); the descriptions go to <work>/descriptions.
llvm::Expected<std::vector<ProbeVariant>> generateProbes(const std::string &work,
                                                         std::vector<GeneratedFile> &files) {
  const std::string descriptions = work + "/descriptions";
  if (std::error_code error = llvm::sys::fs::create_directories(descriptions))
    return failure(fmt::format("cannot create '{}': {}", descriptions, error.message()));
  std::vector<ProbeVariant> variants;
  for (const CalibrationProbe &probe : calibrationProbes(Quick)) {
    const std::string path = descriptions + "/" + probe.name + ".yaml";
    if (llvm::Error error =
            writeFilesAtomically(descriptions, {{probe.name + ".yaml", probe.description}}))
      return error;
    llvm::Expected<Network> loaded = loadNetwork(path);
    if (!loaded)
      return loaded.takeError();
    const Network net = normalize(*loaded);
    for (const std::string &text : probe.schedules) {
      llvm::Expected<NetworkSchedule> schedule = parseSchedule(text, net);
      if (!schedule)
        return schedule.takeError();
      llvm::Expected<ExecutionPlan> plan = lowerSchedule(net, *schedule);
      if (!plan)
        return plan.takeError();
      CodegenOptions options;
      options.sourceName = probe.name + ".yaml";
      options.version = TESSEL_VERSION;
      options.symbolName = probe.name + "_" + scheduleLabel(text);
      llvm::Expected<GeneratedNetwork> generated = emitNetwork(net, std::move(*plan), options);
      if (!generated)
        return generated.takeError();
      ProbeVariant variant{generated->cName, net, generated->plan, {}};
      variant.features = sumFeatures(net, variant.plan);
      for (GeneratedFile &file : generated->files)
        files.push_back({"probes/" + variant.symbol + "/" + file.path, std::move(file.contents)});
      variants.push_back(std::move(variant));
    }
  }
  return variants;
}

// The timing program (codegen_templates/calibrate_main.cpp.in) and the
// CMakeLists.txt that builds it with every probe's library.
llvm::Error addTimingProgram(const std::vector<ProbeVariant> &variants,
                             std::vector<GeneratedFile> &files) {
  std::string includes, probes, subdirectories, libraries;
  int64_t arenaBytes = 1, inputElements = 1, outputElements = 1;
  for (const ProbeVariant &v : variants) {
    includes += fmt::format("#include \"{}.h\"\n", v.symbol);
    probes += fmt::format("    {{{}, {}_run}},\n", stringLiteral(v.symbol), v.symbol);
    subdirectories += fmt::format("add_subdirectory(probes/{})\n", v.symbol);
    libraries += " " + v.symbol;
    arenaBytes = std::max(arenaBytes, v.plan.arena.arenaBytes);
    inputElements = std::max(inputElements, v.net.layers[0].output.elements());
    outputElements =
        std::max(outputElements, v.net.layers[size_t(v.net.outputIndex())].output.elements());
  }
  llvm::Expected<std::string> main =
      fillTemplate("calibrate_main.cpp.in", {{"version", TESSEL_VERSION},
                                             {"includes", includes},
                                             {"probes", probes},
                                             {"arena_alignment", std::to_string(kArenaAlignment)},
                                             {"arena_bytes", std::to_string(arenaBytes)},
                                             {"input_elements", std::to_string(inputElements)},
                                             {"output_elements", std::to_string(outputElements)}});
  if (!main)
    return main.takeError();
  files.push_back({"main.cpp", std::move(*main)});
  files.push_back({"CMakeLists.txt",
                   fmt::format("# Generated by tessel {} for `tessel calibrate`. Do not edit.\n"
                               "cmake_minimum_required(VERSION 3.16)\n"
                               "project(tessel_calibrate LANGUAGES CXX ASM)\n{}"
                               "add_executable(calibrate main.cpp)\n"
                               "target_link_libraries(calibrate PRIVATE{})\n",
                               TESSEL_VERSION, subdirectories, libraries)});
  return llvm::Error::success();
}

// ---- Building and running.

// A toolchain file named by a profile: in tessel's source tree, or installed
// beside tessel (<prefix>/lib/cmake/tessel/toolchains).
std::optional<std::string> findToolchainFile(const std::string &file) {
  std::vector<std::string> candidates = {std::string(TESSEL_SOURCE_DIR) + "/" + file};
  const std::string executable =
      llvm::sys::fs::getMainExecutable(nullptr, reinterpret_cast<void *>(&findToolchainFile));
  llvm::SmallString<256> installed(llvm::sys::path::parent_path(executable));
  llvm::sys::path::append(installed, "../lib/cmake/tessel/toolchains",
                          llvm::sys::path::filename(file));
  candidates.push_back(installed.str().str());
  for (const std::string &candidate : candidates)
    if (llvm::sys::fs::exists(candidate))
      return candidate;
  return std::nullopt;
}

// Configures and builds <work>/build; returns the program's path.
llvm::Expected<std::string> buildTimingProgram(const std::string &work, const TargetProfile &target,
                                               const std::string &cmake,
                                               const std::string &compiler) {
  const std::string build = work + "/build", log = work + "/build.log";
  std::string configure = fmt::format("{} -S {} -B {} -DCMAKE_BUILD_TYPE=Release {}",
                                      shellQuoted(cmake), shellQuoted(work), shellQuoted(build),
                                      shellQuoted("-DCMAKE_CXX_FLAGS_RELEASE=" + CompilerFlags));
  if (target.toolchain) {
    std::optional<std::string> file = findToolchainFile(target.toolchain->file);
    if (!file)
      return failure(fmt::format("cannot find the toolchain file '{}' of target '{}' in tessel's "
                                 "source tree or installation",
                                 target.toolchain->file, target.name));
    configure += " " + shellQuoted("-DCMAKE_TOOLCHAIN_FILE=" + *file);
    for (const auto &[key, value] : target.toolchain->variables)
      configure += " " + shellQuoted(fmt::format("-D{}={}", key, value));
  } else {
    configure += " " + shellQuoted("-DCMAKE_CXX_COMPILER=" + compiler) + " " +
                 shellQuoted("-DCMAKE_ASM_COMPILER=" + compiler);
  }
  const unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  const std::string command = fmt::format("{} && {} --build {} -j {}", configure,
                                          shellQuoted(cmake), shellQuoted(build), jobs);
  if (runShell(command, log) != 0)
    return failure(fmt::format("building the timing program failed; the last lines of the "
                               "build:\n{}\n({})",
                               lastLines(readWholeFile(log), 25),
                               KeepDirectory.empty() ? "--keep DIR keeps the build and its log"
                                                     : "the whole log: " + log));
  return build + "/calibrate";
}

struct Timings {
  std::string compilerVersion;
  std::map<std::string, double> seconds; // per probe variant
};

llvm::Expected<Timings> runTimingProgram(const std::string &work, const std::string &program,
                                         size_t probeCount) {
  const std::string log = work + "/run.log", errors = work + "/run.err";
  const std::string arguments = Quick ? "--sample-ms 5 --samples 3" : "--sample-ms 30 --samples 5";
  const std::string command = fmt::format("{}{}{} {}", Runner.getValue(), Runner.empty() ? "" : " ",
                                          shellQuoted(program), arguments);
  const int status = runShell(command + " 2> " + shellQuoted(errors), log);
  const std::string output = readWholeFile(log);
  auto runFailure = [&](const std::string &what) {
    return failure(fmt::format("{} (command: {}); its last lines:\n{}{}", what, command,
                               lastLines(output, 5), lastLines(readWholeFile(errors), 10)));
  };
  if (status != 0)
    return runFailure(fmt::format("running the timing program failed with exit code {}", status));
  Timings timings;
  bool done = false;
  for (llvm::StringRef line : llvm::split(llvm::StringRef(output), '\n')) {
    line = line.trim();
    if (line.consume_front("compiler ")) {
      timings.compilerVersion = line.str();
    } else if (line.consume_front("probe ")) {
      auto [name, value] = line.split(' ');
      double seconds = 0;
      if (value.trim().getAsDouble(seconds) || !(seconds > 0))
        return runFailure(fmt::format("the timing program printed a bad line '{}'", line.str()));
      timings.seconds[name.str()] = seconds;
    } else if (line.startswith("done ")) {
      done = true;
    }
  }
  if (!done || timings.seconds.size() != probeCount)
    return runFailure(fmt::format("the timing program timed {} of {} probes",
                                  timings.seconds.size(), probeCount));
  return timings;
}

std::string utcDate() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

// The table of measured against predicted times; returns the mean absolute
// relative error.
double printFitTable(const std::vector<ProbeVariant> &variants, const Timings &timings,
                     const LatencyProfile &fitted) {
  llvm::outs() << fmt::format("{:<34} {:>12} {:>12} {:>8}\n", "probe", "measured us",
                              "predicted us", "error");
  double sum = 0;
  for (const ProbeVariant &v : variants) {
    const double measured = timings.seconds.at(v.symbol);
    const double predicted = predictPlanSeconds(v.net, v.plan, fitted);
    const double error = (predicted - measured) / measured;
    sum += std::abs(error);
    llvm::outs() << fmt::format("{:<34} {:>12.2f} {:>12.2f} {:>7.1f}%\n", v.symbol, measured * 1e6,
                                predicted * 1e6, error * 100);
  }
  return sum / double(variants.size());
}

int calibrate(const std::string &work) {
  llvm::Expected<BaseProfile> base = loadBaseProfile();
  if (!base)
    return reportError(base.takeError(), TargetFile.empty() ? kExitUsage : kExitInvalidInput);
  const TargetProfile &target = base->profile;
  if (target.triple.getOS() == llvm::Triple::UnknownOS)
    return reportError(failure(fmt::format("target '{}' ({}) has no operating system to run the "
                                           "timing program on; calibrate boards that run Linux",
                                           target.name, target.triple.str())),
                       kExitUsage);
  if (target.toolchain && !Compiler.empty())
    return reportError(failure(fmt::format("target '{}' builds with its toolchain file ({}), "
                                           "which picks the compiler; --cxx is for targets "
                                           "without one",
                                           target.name, target.toolchain->file)),
                       kExitUsage);

  llvm::ErrorOr<std::string> cmake = llvm::sys::findProgramByName("cmake");
  if (!cmake)
    return reportError(failure("cannot find 'cmake' on PATH; calibration builds with it"),
                       kExitUsage);
  std::string compiler;
  if (!target.toolchain) {
    const std::string asked = Compiler.empty() ? "c++" : Compiler.getValue();
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(asked);
    if (!found)
      return reportError(failure(fmt::format("cannot find the C++ compiler '{}'{}", asked,
                                             Compiler.empty() ? "; name one with --cxx" : "")),
                         kExitUsage);
    compiler = *found;
  }

  std::vector<GeneratedFile> files;
  llvm::Expected<std::vector<ProbeVariant>> variants = generateProbes(work, files);
  if (!variants)
    return reportError(variants.takeError(), kExitImpossible);
  if (llvm::Error error = addTimingProgram(*variants, files))
    return reportError(std::move(error), kExitImpossible);
  if (llvm::Error error = writeFilesAtomically(work, files))
    return reportError(std::move(error), kExitIoError);

  llvm::errs() << fmt::format(
      "tessel calibrate: building {} probe networks for {} with {} {}\n", variants->size(),
      target.name, target.toolchain ? target.toolchain->file : compiler, CompilerFlags.getValue());
  llvm::Expected<std::string> program = buildTimingProgram(work, target, *cmake, compiler);
  if (!program)
    return reportError(program.takeError(), kExitImpossible);
  llvm::errs() << fmt::format("tessel calibrate: timing them{}\n",
                              Runner.empty() ? "" : " through '" + Runner + "'");
  llvm::Expected<Timings> timings = runTimingProgram(work, *program, variants->size());
  if (!timings)
    return reportError(timings.takeError(), kExitImpossible);

  std::vector<LatencyMeasurement> measurements;
  for (const ProbeVariant &v : *variants)
    measurements.push_back({v.symbol, v.features, timings->seconds.at(v.symbol)});
  const std::string compilerName =
      target.toolchain ? llvm::sys::path::filename(target.toolchain->file).str() + " toolchain"
                       : llvm::sys::path::filename(compiler).str();
  std::string source = fmt::format(
      "calibrated {} on {} with {}{} {}{}", utcDate(), target.triple.str(), compilerName,
      timings->compilerVersion.empty() ? "" : " (" + timings->compilerVersion + ")",
      CompilerFlags.getValue(), Runner.empty() ? "" : " through " + Runner);
  llvm::Expected<LatencyProfile> fitted = fitLatencyProfile(measurements, target.latency, source);
  if (!fitted)
    return reportError(fitted.takeError(), kExitImpossible);

  const double meanError = printFitTable(*variants, *timings, *fitted);
  llvm::outs() << fmt::format("mean absolute relative error: {:.1f}% over {} probes\n",
                              meanError * 100, variants->size());

  const std::string text = formatCalibratedProfile(*base, *fitted);
  const std::string output =
      OutputFile.empty() ? target.name + "-calibrated.yaml" : OutputFile.getValue();
  // What `compile --target-file` will read must parse.
  if (llvm::Expected<TargetProfile> check = parseTargetProfile(text, output, target.name); !check)
    return reportError(check.takeError(), kExitImpossible);
  llvm::StringRef directory = llvm::sys::path::parent_path(output);
  if (llvm::Error error = writeFilesAtomically(directory.empty() ? "." : directory.str(),
                                               {{llvm::sys::path::filename(output).str(), text}}))
    return reportError(std::move(error), kExitIoError);
  llvm::outs() << formatLatencyProfile(*fitted);
  llvm::outs() << fmt::format("wrote {}\n", output);
  return kExitOk;
}

} // namespace

int runCalibrateCommand() {
  if (TargetName.getNumOccurrences() > 0 && !TargetFile.empty())
    return reportError(failure("give either --target or --target-file, not both"), kExitUsage);
  if (!KeepDirectory.empty()) {
    if (std::error_code error = llvm::sys::fs::create_directories(KeepDirectory))
      return reportError(
          failure(fmt::format("cannot create '{}': {}", KeepDirectory.getValue(), error.message())),
          kExitIoError);
    return calibrate(KeepDirectory);
  }
  llvm::SmallString<128> work;
  if (std::error_code error = llvm::sys::fs::createUniqueDirectory("tessel-calibrate", work))
    return reportError(
        failure(fmt::format("cannot create a temporary folder: {}", error.message())),
        kExitIoError);
  const int status = calibrate(work.str().str());
  llvm::sys::fs::remove_directories(work);
  return status;
}

} // namespace tessel::driver
