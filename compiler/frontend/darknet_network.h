// Translating the sections of a Darknet .cfg into tessel's IR: which ops
// each section becomes. docs/darknet.md lists what is supported.
#pragma once

#include "frontend/attribute_locations.h"
#include "frontend/darknet_cfg.h"
#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tessel::darknet {

struct DarknetDescription {
  Network network; // Layer::output and Layer::weights not filled yet
  AttributeLocations locations;
};

// `fileName` names the .cfg in diagnostics; the network is named after it.
llvm::Expected<DarknetDescription> translateCfg(const std::vector<CfgSection> &sections,
                                                const std::string &fileName);

} // namespace tessel::darknet
