// `tessel`: the command-line driver. Each subcommand lives in its own file
// (cmd_*.cpp); this file owns the shared options and dispatch.
#include "driver/options.h"
#include "pipeline/pipeline_error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace cl = llvm::cl;

namespace tessel::driver {

cl::SubCommand &infoCommand() {
  static cl::SubCommand command("info",
                                "Print per-layer shapes, MACs, weight and activation bytes, "
                                "and the planned arena size");
  return command;
}
cl::SubCommand &runCommand() {
  static cl::SubCommand command("run", "Run the reference executor on an input file");
  return command;
}
cl::SubCommand &compileCommand() {
  static cl::SubCommand command("compile", "Generate C++ for a network");
  return command;
}
cl::SubCommand &compareCommand() {
  static cl::SubCommand command("compare", "Compare two raw float32 files within a tolerance");
  return command;
}

cl::SubCommand &calibrateCommand() {
  static cl::SubCommand command("calibrate",
                                "Measure a board's latency figures and write its profile "
                                "(docs/latency-model.md)");
  return command;
}

static cl::OptionCategory SharedCategory("Network options");

cl::opt<std::string> NetworkPath(cl::Positional, cl::Required,
                                 cl::desc("<network.yaml or darknet.cfg>"), cl::sub(infoCommand()),
                                 cl::sub(runCommand()), cl::sub(compileCommand()),
                                 cl::cat(SharedCategory));

cl::opt<std::string> WeightsOption("weights", cl::value_desc("file"),
                                   cl::desc("The Darknet .weights file of a .cfg network "
                                            "(default: random weights)"),
                                   cl::sub(infoCommand()), cl::sub(runCommand()),
                                   cl::sub(compileCommand()), cl::cat(SharedCategory));

std::optional<std::string> weightsPathOption() {
  if (WeightsOption.getNumOccurrences() == 0)
    return std::nullopt;
  return WeightsOption.getValue();
}

cl::opt<std::string> InputSizeOption("input-size", cl::value_desc("HxW"),
                                     cl::desc("Override the network's input height and width"),
                                     cl::sub(infoCommand()), cl::sub(runCommand()),
                                     cl::sub(compileCommand()), cl::cat(SharedCategory));

cl::opt<std::string> ScheduleOption(
    "schedule", cl::value_desc("groups"),
    cl::desc("How to run the layers, e.g. \"0-7:tile5x5, 8-15:stream4\"; an empty value runs "
             "every layer whole, as 'layers' (default: info runs layer by layer, compile "
             "searches)"),
    cl::sub(infoCommand()), cl::sub(compileCommand()), cl::cat(SharedCategory));

llvm::Expected<std::optional<std::pair<int, int>>> parsedInputSize() {
  if (InputSizeOption.getNumOccurrences() == 0)
    return std::nullopt;
  llvm::StringRef text = InputSizeOption;
  auto [heightText, widthText] = text.split('x');
  int height = 0, width = 0;
  if (heightText.getAsInteger(10, height) || widthText.getAsInteger(10, width) || height <= 0 ||
      width <= 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--input-size expects HxW with positive integers, got '%s'",
                                   InputSizeOption.c_str());
  return std::make_pair(height, width);
}

static void printError(const std::string &message) {
  llvm::WithColor::error(llvm::errs(), "tessel") << message << "\n";
}

int reportError(llvm::Error error, int exitCode) {
  llvm::handleAllErrors(std::move(error),
                        [](const llvm::ErrorInfoBase &info) { printError(info.message()); });
  return exitCode;
}

void printWarning(const std::string &warning) {
  llvm::WithColor::warning(llvm::errs(), "tessel") << warning << "\n";
}

static int exitCodeOf(tessel::FailureKind kind) {
  switch (kind) {
  case tessel::FailureKind::InvalidInput: return kExitInvalidInput;
  case tessel::FailureKind::BadRequest: return kExitUsage;
  case tessel::FailureKind::Impossible: return kExitImpossible;
  case tessel::FailureKind::CannotWrite: return kExitIoError;
  }
  return kExitInvalidInput;
}

int reportFailure(llvm::Error error) {
  int exitCode = kExitOk;
  llvm::handleAllErrors(
      std::move(error),
      [&](const tessel::PipelineError &failure) {
        for (const std::string &message : failure.messages())
          printError(message);
        exitCode = std::max(exitCode, exitCodeOf(failure.kind()));
      },
      [&](const llvm::ErrorInfoBase &info) {
        printError(info.message());
        exitCode = std::max(exitCode, int(kExitInvalidInput));
      });
  return exitCode;
}

} // namespace tessel::driver

static void printVersion(llvm::raw_ostream &os) {
  os << fmt::format("tessel {}\n", TESSEL_VERSION);
}

// The options LLVM's libraries register (--rng-seed, --color, --polly-*, ...)
// all sit on the top level, where no tessel option is: only --help-hidden
// lists them. The generic ones (--help, --version) stay, found through the
// category of --help.
static void hideLlvmOptions() {
  llvm::StringMap<cl::Option *> &options = cl::getRegisteredOptions(*cl::TopLevelSubCommand);
  const cl::Option *help = options.lookup("help");
  if (!help || help->Categories.empty())
    return;
  const cl::OptionCategory *generic = help->Categories.front();
  for (auto &entry : options)
    if (!llvm::is_contained(entry.second->Categories, generic))
      entry.second->setHiddenFlag(cl::Hidden);
}

int main(int argc, char **argv) {
  using namespace tessel::driver;
  llvm::InitLLVM initLLVM(argc, argv);
  cl::SetVersionPrinter(printVersion);
  hideLlvmOptions();
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "tessel: fused-tiling code generator for CNN inference on small boards\n\n"
          "  tessel info NET.yaml                      per-layer shapes, MACs, memory\n"
          "  tessel run NET.yaml --input F --output F  reference executor\n"
          "  tessel compile NET.yaml -o DIR            generate C++\n"
          "      [--target rpi4 | --target-file F]     ... for a board (targets/)\n"
          "  tessel compare ACTUAL.bin EXPECTED.bin    compare outputs\n"
          "  tessel calibrate [--target rpi4] -o F     measure a board's latency figures\n\n"
          "Exit codes: 0 success, 1 invalid input (network, weights, input file),\n"
          "2 bad command line, 3 impossible request (e.g. budget, the target's address space;\n"
          "for calibrate: building or running the timing program failed), 4 cannot write\n"
          "output (for compile: also when it would replace files it did not write; --force\n"
          "allows that), 5 compared outputs differ.\n",
          &llvm::errs()))
    return kExitUsage;
  // Malformed shared options are usage errors whichever subcommand reads them.
  if (auto inputSize = parsedInputSize(); !inputSize)
    return reportError(inputSize.takeError(), kExitUsage);

  if (infoCommand())
    return runInfoCommand();
  if (runCommand())
    return runRunCommand();
  if (compileCommand())
    return runCompileCommand();
  if (compareCommand())
    return runCompareCommand();
  if (calibrateCommand())
    return runCalibrateCommand();
  llvm::errs() << "tessel: error: no subcommand given; see 'tessel --help'\n";
  return kExitUsage;
}
