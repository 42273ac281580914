// Reading parameters from a weights file: raw little-endian float32, no
// header, layout as docs/network-format.md ("Weights file") describes.
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <string>

namespace tessel {

// Fills every layer's LayerWeights from `path`; needs inferred shapes. The
// file must hold exactly the network's parameters. `where` (the `file:`
// value in the description) locates the error messages.
llvm::Error readWeightFile(Network &network, const std::string &path, const SourceLoc &where);

} // namespace tessel
