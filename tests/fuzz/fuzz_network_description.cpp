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
#include "frontend/parse_network.h"
#include "search/schedule_search.h"
#include "target/latency_profile.h"

#include <cstddef>
#include <cstdint>

namespace {

// Parses the description as the loader would, to check its size before
// loading (fuzz::smallEnoughToLoad).
bool smallEnoughToLoad(const uint8_t *data, size_t size) {
  llvm::Expected<tessel::NetworkDescription> description = tessel::parseNetworkDescription(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "network.yaml");
  if (!description) {
    llvm::consumeError(description.takeError());
    return true; // the loader reports the same error
  }
  return fuzz::smallEnoughToLoad(description->network);
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
  const std::optional<tessel::Network> net = fuzz::loadAndPlanLayers("network.yaml", data, size);
  if (!net || totalMacs(*net) > kMaxSearchedMacs)
    return 0;
  const tessel::LatencyProfile profile = tessel::defaultLatencyProfile(10.0);
  tessel::SearchOptions options;
  options.maxTileGrid = 3;
  llvm::Expected<tessel::SearchOutcome> outcome =
      tessel::searchSchedule(*net, profile, options, std::nullopt);
  if (!outcome)
    llvm::consumeError(outcome.takeError());
  return 0;
}
