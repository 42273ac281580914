// libFuzzer target: arbitrary bytes as the text of `--schedule`, parsed and
// lowered against each of the small shipped networks (a chain, a residual
// network, a depthwise one). A schedule the parser accepts must lower.
#include "frontend/load_network.h"
#include "normalize/normalize.h"
#include "schedule/execution_plan.h"
#include "schedule/schedule.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

const std::vector<tessel::Network> &networks() {
  static const std::vector<tessel::Network> loaded = [] {
    std::vector<tessel::Network> nets;
    for (const char *name : {"tiny-chain", "tiny-residual", "tiny-depthwise", "yolov2-16"}) {
      tessel::LoadOptions options;
      options.inputSize = std::make_pair(32, 32);
      llvm::Expected<tessel::Network> net =
          tessel::loadNetwork(std::string(TESSEL_NETWORKS_DIR "/") + name + ".yaml", options);
      if (!net) {
        llvm::errs() << llvm::toString(net.takeError()) << "\n";
        std::abort();
      }
      nets.push_back(tessel::normalize(*net));
    }
    return nets;
  }();
  return loaded;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  for (const tessel::Network &net : networks()) {
    llvm::Expected<tessel::NetworkSchedule> schedule = tessel::parseSchedule(text, net);
    if (!schedule) {
      llvm::consumeError(schedule.takeError());
      continue;
    }
    llvm::Expected<tessel::ExecutionPlan> plan = tessel::lowerSchedule(net, *schedule);
    if (!plan) {
      // The parser's checks are meant to be complete: a schedule it accepts
      // that lowering rejects is a defect too.
      llvm::errs() << "accepted schedule failed to lower: '" << text
                   << "': " << llvm::toString(plan.takeError()) << "\n";
      std::abort();
    }
  }
  return 0;
}
