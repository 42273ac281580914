// Reading parameters from a weights file: raw little-endian float32, no
// header, layout as docs/network-format.md ("Weights file") describes.
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tessel {

// Fills every layer's LayerWeights from `path`; needs inferred shapes. The
// file must hold exactly the network's parameters. `where` (the `file:`
// value in the description) locates the error messages.
llvm::Error readWeightFile(Network &network, const std::string &path, const SourceLoc &where);

// The network's parameters in weights-file order, as `tessel info
// --write-weights` writes them: the file readWeightFile reads back into the
// same network. Needs inferred shapes and loaded weights.
std::vector<float> weightFileValues(const Network &network);

// A warning for each layer whose parameters hold NaN or infinite values
// (legal floats, but rarely meant): "FILE:LINE:COL: layer 'conv1': 3 of 864
// parameters are not finite (2 NaN, 1 infinite)".
std::vector<std::string> nonFiniteWeightWarnings(const Network &network);

} // namespace tessel
