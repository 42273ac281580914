#include "pipeline/network_input.h"

#include "frontend/weight_file.h"
#include "normalize/normalize.h"
#include "schedule/schedule.h"

namespace tessel {

llvm::Expected<Network> loadNetworkWithWarnings(const std::string &path, const LoadOptions &options,
                                                const WarningSink &warn) {
  llvm::Expected<Network> net = loadNetwork(path, options);
  if (net && warn)
    for (const std::string &warning : nonFiniteWeightWarnings(*net))
      warn(warning);
  return net;
}

llvm::Expected<Network> loadNormalizedNetwork(const std::string &path, const LoadOptions &options,
                                              const WarningSink &warn) {
  llvm::Expected<Network> net = loadNetworkWithWarnings(path, options, warn);
  if (!net)
    return net.takeError();
  return normalize(*net);
}

llvm::Expected<ExecutionPlan> planScheduleText(const std::string &text, Network &normalized,
                                               const LoweringOptions &options) {
  llvm::Expected<NetworkSchedule> schedule = parseSchedule(text, normalized);
  if (!schedule)
    return schedule.takeError();
  applyPrimitives(normalized, *schedule);
  return lowerSchedule(normalized, *schedule, options);
}

} // namespace tessel
