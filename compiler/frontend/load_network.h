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
};

// Parses the description at `path` (docs/network-format.md), infers shapes and
// loads or generates the weights. Every problem comes back as an llvm::Error
// reading "FILE:LINE:COL: layer 'NAME': what is wrong"; it never throws.
llvm::Expected<Network> loadNetwork(const std::string &path, const LoadOptions &options = {});

} // namespace tessel
