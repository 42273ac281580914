#include "driver/network_loading.h"

#include "driver/options.h"
#include "frontend/load_network.h"
#include "normalize/normalize.h"

namespace tessel::driver {

llvm::Expected<Network> loadCommandLineNetwork() {
  auto inputSize = parsedInputSize();
  if (!inputSize)
    return inputSize.takeError();
  LoadOptions options;
  options.inputSize = *inputSize;
  return loadNetwork(NetworkPath, options);
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
