// libFuzzer target: arbitrary bytes as a Darknet .cfg, through what `tessel
// info` does with one: load (sections, translation, shapes, random weights),
// normalize, plan `layers`. Any crash, abort, leak or runaway allocation is
// a finding; rejected input is not.
#include "fuzz_support.h"

#include "frontend/darknet_cfg.h"
#include "frontend/darknet_network.h"

#include <cstddef>
#include <cstdint>

namespace {

// Translates the cfg as the loader would, to check its size before loading
// (fuzz::smallEnoughToLoad).
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
  return fuzz::smallEnoughToLoad(description->network);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (smallEnoughToLoad(data, size))
    fuzz::loadAndPlanLayers("network.cfg", data, size);
  return 0;
}
