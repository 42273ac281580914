#include "driver/network_loading.h"

#include "driver/options.h"
#include "pipeline/network_input.h"

namespace tessel::driver {
namespace {

LoadOptions commandLineLoadOptions(std::optional<std::pair<int, int>> inputSize) {
  LoadOptions options;
  options.inputSize = inputSize;
  options.weightsPath = weightsPathOption();
  return options;
}

} // namespace

llvm::Expected<Network> loadCommandLineNetwork() {
  auto inputSize = parsedInputSize();
  if (!inputSize)
    return inputSize.takeError();
  return loadNetworkWithWarnings(NetworkPath, commandLineLoadOptions(*inputSize), printWarning);
}

llvm::Expected<ExecutionPlan> planCommandLineSchedule(Network &normalized,
                                                      const LoweringOptions &options) {
  return planScheduleText(ScheduleOption, normalized, options);
}

} // namespace tessel::driver
