// The frontend's entry point: a network description file in, a checked IR
// with shapes and weights out.
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <utility>

namespace tessel {

struct LoadOptions {
  // Height and width to use instead of the declared input size (--input-size).
  std::optional<std::pair<int, int>> inputSize;
  // A Darknet .weights file for a .cfg network (--weights); without it a
  // .cfg gets random weights. YAML descriptions name their weights inside.
  std::optional<std::string> weightsPath;
};

// Parses the description at `path` (docs/network-format.md), or the Darknet
// .cfg (docs/darknet.md) when `path` ends in .cfg, infers shapes and loads or
// generates the weights. Every problem comes back as an llvm::Error
// reading "FILE:LINE:COL: layer 'NAME': what is wrong"; it never throws.
llvm::Expected<Network> loadNetwork(const std::string &path, const LoadOptions &options = {});

} // namespace tessel
