// The Darknet frontend's entry point: a .cfg (and a .weights file, or
// seeded random weights) in, a checked IR with shapes and weights out.
#pragma once

#include "frontend/load_network.h"

namespace tessel {

// Whether `path` names a Darknet .cfg rather than a YAML description.
bool isDarknetCfg(const std::string &path);

// Like loadNetwork, for a .cfg; options.weightsPath names the .weights file,
// random weights (seed 0) are used without it.
llvm::Expected<Network> loadDarknetNetwork(const std::string &path, const LoadOptions &options);

} // namespace tessel
