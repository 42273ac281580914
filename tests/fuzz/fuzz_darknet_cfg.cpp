// libFuzzer target: arbitrary bytes as a Darknet .cfg, through what `tessel
// info` does with one: load (sections, translation, shapes, random weights),
// normalize, plan `layers`. Any crash, abort, leak or runaway allocation is
// a finding; rejected input is not.
#include "fuzz_support.h"

#include "analysis/parameter_layout.h"
#include "analysis/shape_inference.h"
#include "frontend/darknet_cfg.h"
#include "frontend/darknet_network.h"
#include "frontend/load_network.h"
#include "normalize/normalize.h"
#include "schedule/execution_plan.h"

#include <cstddef>
#include <cstdint>

namespace {

// Valid but large networks (a cfg may declare 1,000,000 x 1,000,000 inputs)
// are translated and checked, not loaded: their time and memory are not the
// fuzzer's to find.
constexpr int64_t kMaxLoadedParameters = 1'000'000;
constexpr int64_t kMaxLoadedActivationElements = 4'000'000;

bool smallEnoughToLoad(const uint8_t *data, size_t size) {
  llvm::Expected<std::vector<tessel::darknet::CfgSection>> sections = tessel::darknet::parseCfg(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "network.cfg");
  if (!sections) {
    llvm::consumeError(sections.takeError());
    return true; // the loader reports the same error
  }
  llvm::Expected<tessel::darknet::DarknetDescription> description =
      tessel::darknet::translateCfg(*sections, "network.cfg");
  if (!description) {
    llvm::consumeError(description.takeError());
    return true;
  }
  tessel::Network &net = description->network;
  if (llvm::Error error = tessel::inferShapes(net)) {
    llvm::consumeError(std::move(error));
    return true;
  }
  int64_t activations = 0;
  for (const tessel::Layer &layer : net.layers)
    activations += layer.output.elements();
  return tessel::networkParameterCount(net) <= kMaxLoadedParameters &&
         activations <= kMaxLoadedActivationElements;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!smallEnoughToLoad(data, size))
    return 0;
  const std::string path = fuzz::writeInputFile("network.cfg", data, size);
  llvm::Expected<tessel::Network> loaded = tessel::loadNetwork(path);
  if (!loaded) {
    llvm::consumeError(loaded.takeError());
    return 0;
  }
  const tessel::Network net = tessel::normalize(*loaded);
  llvm::Expected<tessel::ExecutionPlan> plan =
      tessel::lowerSchedule(net, tessel::layerByLayer(net));
  if (!plan)
    llvm::consumeError(plan.takeError());
  return 0;
}
