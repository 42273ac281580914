// Loads the network named on the command line (honouring --input-size) and
// lowers the schedule asked for, for the subcommands that run or describe it.
#pragma once

#include "ir/network.h"
#include "schedule/execution_plan.h"

#include "llvm/Support/Error.h"

namespace tessel::driver {

llvm::Expected<Network> loadCommandLineNetwork();

// The schedule given with --schedule (every layer in `layers` by default),
// lowered to an execution plan for `normalized`.
llvm::Expected<ExecutionPlan> planCommandLineSchedule(Network &normalized,
                                                      const LoweringOptions &options = {});

} // namespace tessel::driver
