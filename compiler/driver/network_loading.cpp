#include "driver/network_loading.h"

#include "driver/options.h"
#include "frontend/load_network.h"
#include "frontend/weight_file.h"
#include "normalize/normalize.h"

#include "llvm/Support/WithColor.h"

namespace tessel::driver {

llvm::Expected<Network> loadCommandLineNetwork() {
  auto inputSize = parsedInputSize();
  if (!inputSize)
    return inputSize.takeError();
  LoadOptions options;
  options.inputSize = *inputSize;
  llvm::Expected<Network> net = loadNetwork(NetworkPath, options);
  if (net)
    for (const std::string &warning : nonFiniteWeightWarnings(*net))
      llvm::WithColor::warning(llvm::errs(), "tessel") << warning << "\n";
  return net;
}

llvm::Expected<Network> loadNormalizedNetwork() {
  llvm::Expected<Network> net = loadCommandLineNetwork();
  if (!net)
    return net.takeError();
  return normalize(*net);
}

llvm::Expected<ExecutionPlan> planCommandLineSchedule(const Network &normalized,
                                                      const LoweringOptions &options) {
  llvm::Expected<NetworkSchedule> schedule = parseSchedule(ScheduleOption, normalized);
  if (!schedule)
    return schedule.takeError();
  return lowerSchedule(normalized, *schedule, options);
}

} // namespace tessel::driver
