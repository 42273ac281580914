#include "pipeline/timing_program.h"

#include "codegen/escaping.h"
#include "codegen/network_emitter.h"
#include "codegen/template_filler.h"
#include "frontend/load_network.h"
#include "normalize/normalize.h"
#include "pipeline/network_input.h"
#include "plan/arena_planner.h"
#include "schedule/schedule.h"
#include "search/calibration_probes.h"
#include "search/latency_model.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <thread>

namespace tessel {
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

// What the timing program's CMakeLists.txt adds for the fork-join
// measurement: the runtime's headers (every probe carries a copy) and
// threads.
std::string threadPoolUse(const std::vector<ProbeVariant> &variants, int forkJoinThreads) {
  if (forkJoinThreads <= 1 || variants.empty())
    return "";
  return fmt::format("target_include_directories(calibrate PRIVATE probes/{}/runtime)\n"
                     "find_package(Threads REQUIRED)\n"
                     "target_link_libraries(calibrate PRIVATE Threads::Threads)\n",
                     variants.front().symbol);
}

} // namespace

llvm::Expected<std::vector<ProbeVariant>> generateProbes(const std::string &work, bool quick,
                                                         const BuildFlags &flags,
                                                         std::vector<GeneratedFile> &files) {
  const std::string descriptions = work + "/descriptions";
  if (std::error_code error = llvm::sys::fs::create_directories(descriptions))
    return failure(fmt::format("cannot create '{}': {}", descriptions, error.message()));
  std::vector<ProbeVariant> variants;
  for (const CalibrationProbe &probe : calibrationProbes(quick)) {
    const std::string path = descriptions + "/" + probe.name + ".yaml";
    if (llvm::Error error =
            writeFilesAtomically(descriptions, {{probe.name + ".yaml", probe.description}}))
      return error;
    llvm::Expected<Network> loaded = loadNetwork(path);
    if (!loaded)
      return loaded.takeError();
    Network net = normalize(*loaded);
    for (const std::string &text : probe.schedules) {
      llvm::Expected<ExecutionPlan> plan = planScheduleText(text, net);
      if (!plan)
        return plan.takeError();
      CodegenOptions options;
      options.sourceName = probe.name + ".yaml";
      options.version = TESSEL_VERSION;
      options.symbolName = probe.name + "_" + scheduleLabel(text);
      options.buildFlags = flags;
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

llvm::Error addTimingProgram(const std::vector<ProbeVariant> &variants, int forkJoinThreads,
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
  llvm::Expected<std::string> main = fillTemplate(
      "calibrate_main.cpp.in", {{"version", TESSEL_VERSION},
                                {"includes", includes},
                                {"probes", probes},
                                {"arena_alignment", std::to_string(kArenaAlignment)},
                                {"arena_bytes", std::to_string(arenaBytes)},
                                {"input_elements", std::to_string(inputElements)},
                                {"output_elements", std::to_string(outputElements)},
                                {"fork_join_threads", std::to_string(forkJoinThreads)}});
  if (!main)
    return main.takeError();
  files.push_back({"main.cpp", std::move(*main)});
  files.push_back({"CMakeLists.txt",
                   fmt::format("# Generated by tessel {} for `tessel calibrate`. Do not edit.\n"
                               "cmake_minimum_required(VERSION 3.16)\n"
                               "project(tessel_calibrate LANGUAGES CXX ASM)\n{}"
                               "add_executable(calibrate main.cpp)\n"
                               "target_link_libraries(calibrate PRIVATE{})\n{}",
                               TESSEL_VERSION, subdirectories, libraries,
                               threadPoolUse(variants, forkJoinThreads))});
  return llvm::Error::success();
}

namespace {

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

} // namespace

llvm::Expected<std::string> buildTimingProgram(const std::string &work, const TargetProfile &target,
                                               const TimingSettings &settings) {
  const std::string &cmake = settings.cmake;
  const std::string build = work + "/build", log = work + "/build.log";
  std::string configure = fmt::format(
      "{} -S {} -B {} -DCMAKE_BUILD_TYPE=Release {}", shellQuoted(cmake), shellQuoted(work),
      shellQuoted(build), shellQuoted("-DCMAKE_CXX_FLAGS_RELEASE=" + settings.compilerFlags));
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
    configure += " " + shellQuoted("-DCMAKE_CXX_COMPILER=" + settings.compiler) + " " +
                 shellQuoted("-DCMAKE_ASM_COMPILER=" + settings.compiler);
  }
  const unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  const std::string command = fmt::format("{} && {} --build {} -j {}", configure,
                                          shellQuoted(cmake), shellQuoted(build), jobs);
  if (runShell(command, log) != 0)
    return failure(fmt::format("building the timing program failed; the last lines of the "
                               "build:\n{}\n({})",
                               lastLines(readWholeFile(log), 25),
                               settings.kept ? "the whole log: " + log
                                             : "--keep DIR keeps the build and its log"));
  return build + "/calibrate";
}

llvm::Expected<Timings> runTimingProgram(const std::string &work, const std::string &program,
                                         size_t probeCount, const TimingSettings &settings) {
  const std::string &runner = settings.runner;
  const std::string log = work + "/run.log", errors = work + "/run.err";
  const std::string arguments =
      settings.quick ? "--sample-ms 5 --samples 3" : "--sample-ms 30 --samples 5";
  const std::string command =
      fmt::format("{}{}{} {}", runner, runner.empty() ? "" : " ", shellQuoted(program), arguments);
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
    } else if (line.consume_front("forkjoin ")) {
      llvm::SmallVector<llvm::StringRef, 3> fields;
      line.split(fields, ' ', -1, /*KeepEmpty=*/false);
      if (fields.size() != 3 || fields[0].getAsInteger(10, timings.forkJoinThreads) ||
          fields[1].getAsDouble(timings.forkJoinSeconds) ||
          fields[2].getAsDouble(timings.parallelEfficiency) || !(timings.forkJoinSeconds >= 0) ||
          !(timings.parallelEfficiency > 0 && timings.parallelEfficiency <= 1))
        return runFailure(fmt::format("the timing program printed a bad line '{}'", line.str()));
    } else if (line.startswith("done ")) {
      done = true;
    }
  }
  if (!done || timings.seconds.size() != probeCount)
    return runFailure(fmt::format("the timing program timed {} of {} probes",
                                  timings.seconds.size(), probeCount));
  return timings;
}

} // namespace tessel
