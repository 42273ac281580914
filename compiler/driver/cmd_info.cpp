// `tessel info NET.yaml`: what the network costs and the memory it plans.
#include "driver/layer_table.h"
#include "driver/network_loading.h"
#include "driver/options.h"

#include "llvm/Support/raw_ostream.h"

namespace tessel::driver {

int runInfoCommand() {
  llvm::Expected<Network> net = loadNormalizedNetwork();
  if (!net)
    return reportError(net.takeError(), kExitInvalidInput);
  llvm::Expected<ExecutionPlan> plan = planCommandLineSchedule(*net);
  if (!plan)
    return reportError(plan.takeError(), kExitUsage);
  llvm::outs() << formatLayerTable(*net, *plan);
  return kExitOk;
}

} // namespace tessel::driver
