// Where the attribute values of each layer were written. Problems found after
// parsing (by shape inference) use it to point at the exact value at fault.
#pragma once

#include "ir/network.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <vector>

namespace tessel {

struct AttributeLocations {
  std::vector<llvm::StringMap<SourceLoc>> byLayer; // indexed like Network::layers

  // Where `attribute` of layer `index` was written, or `fallback` if it was not.
  SourceLoc find(int index, llvm::StringRef attribute, const SourceLoc &fallback) const {
    if (index < 0 || index >= int(byLayer.size()))
      return fallback;
    auto found = byLayer[index].find(attribute);
    return found == byLayer[index].end() ? fallback : found->second;
  }
};

} // namespace tessel
