// libFuzzer target: arbitrary bytes as a network description, through
// everything `tessel info` and the schedule search do with one (the same
// parse and shape steps run twice: once to skip large networks, once inside
// the loader). Any crash,
// abort, leak or runaway allocation is a finding; rejected input is not.
//
// The loader reads from a path (weights are resolved relative to it), so each
// input is written to a private file first.
#include "fuzz_support.h"

#include "analysis/layer_costs.h"
#include "analysis/parameter_layout.h"
#include "analysis/shape_inference.h"
#include "frontend/load_network.h"
#include "frontend/parse_network.h"
#include "normalize/normalize.h"
#include "schedule/execution_plan.h"
#include "search/schedule_search.h"
#include "target/latency_profile.h"

#include <cstddef>
#include <cstdint>

namespace {

// Valid but large networks (yolov2-16 at 608x608 is among the seeds) take
// seconds under the sanitizers, and their time is not the fuzzer's to find:
// they are parsed, checked and measured, but not loaded.
constexpr int64_t kMaxLoadedParameters = 1'000'000;
constexpr int64_t kMaxLoadedActivationElements = 4'000'000;

bool smallEnoughToLoad(const uint8_t *data, size_t size) {
  llvm::Expected<tessel::NetworkDescription> description = tessel::parseNetworkDescription(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "network.yaml");
  if (!description) {
    llvm::consumeError(description.takeError());
    return true; // the loader reports the same error
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

// Networks above this many MACs are only planned layer by layer: the search
// lowers every candidate group, which would spend the fuzzer's time on a few
// large inputs instead of many small ones.
constexpr int64_t kMaxSearchedMacs = 2'000'000;

int64_t totalMacs(const tessel::Network &net) {
  int64_t macs = 0;
  for (int i = 0; i < int(net.layers.size()); ++i)
    macs += tessel::layerMacs(net, i);
  return macs;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!smallEnoughToLoad(data, size))
    return 0;
  const std::string path = fuzz::writeInputFile("network.yaml", data, size);
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
  if (totalMacs(net) > kMaxSearchedMacs)
    return 0;
  const tessel::LatencyProfile profile = tessel::defaultLatencyProfile(10.0);
  tessel::SearchOptions options;
  options.maxTileGrid = 3;
  llvm::Expected<tessel::SearchOutcome> outcome =
      tessel::searchSchedule(net, profile, options, std::nullopt);
  if (!outcome)
    llvm::consumeError(outcome.takeError());
  return 0;
}
