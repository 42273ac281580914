// Command-line options shared by several `tessel` subcommands.
#pragma once

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <utility>

namespace tessel::driver {

// The subcommands. Functions rather than globals so that options in other
// files can name them during static initialization in any order.
llvm::cl::SubCommand &infoCommand();
llvm::cl::SubCommand &runCommand();
llvm::cl::SubCommand &compileCommand();
llvm::cl::SubCommand &compareCommand();
llvm::cl::SubCommand &calibrateCommand();

// The network description, a positional argument of every subcommand.
extern llvm::cl::opt<std::string> NetworkPath;
// --input-size HxW: run the network at another input resolution.
extern llvm::cl::opt<std::string> InputSizeOption;

// --weights FILE: the Darknet .weights file of a .cfg network.
extern llvm::cl::opt<std::string> WeightsOption;
// WeightsOption when given.
std::optional<std::string> weightsPathOption();

// --schedule "0-7:tile5x5, 8-15:stream4" (see schedule/schedule.h).
extern llvm::cl::opt<std::string> ScheduleOption;

// Parses --input-size; std::nullopt when the option was not given.
llvm::Expected<std::optional<std::pair<int, int>>> parsedInputSize();

// Prints an error in the driver's one format ("tessel: error: ...") and
// returns the exit code for failures of that kind.
int reportError(llvm::Error error, int exitCode = 1);

// Prints a warning in the driver's one format ("tessel: warning: ...").
void printWarning(const std::string &warning);

// reportError() for a failure of the pipeline library (pipeline/
// pipeline_error.h), with the exit code of its kind.
int reportFailure(llvm::Error error);

// Exit codes, documented in `tessel --help` and the README.
enum ExitCode : int {
  kExitOk = 0,
  kExitInvalidInput = 1, // bad network description, weights or input file
  kExitUsage = 2,        // bad command line
  kExitImpossible = 3,   // e.g. a budget the network cannot fit
  kExitIoError = 4,      // cannot write output
  kExitMismatch = 5,     // compare: outputs differ beyond the tolerance
};

int runInfoCommand();
int runRunCommand();
int runCompileCommand();
int runCompareCommand();
int runCalibrateCommand();

} // namespace tessel::driver
