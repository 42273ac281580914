// Reading one entry of `layers` into IR layers.
#pragma once

#include "ir/network.h"
#include "support/parse_error.h"

#include "llvm/ADT/StringMap.h"

#include <optional>
#include <vector>

namespace tessel {

struct LayerEntry {
  // The layer; for conv2d with `batch_norm: true`, followed by the `<name>.bn`
  // batch-norm layer the shorthand stands for.
  std::vector<Layer> layers;
  // Where each attribute value was written, for later diagnostics.
  llvm::StringMap<SourceLoc> attributeLocations;
  YAML::Node nameNode;
  // The `inputs` value as written; absent means "the previous layer".
  std::optional<YAML::Node> inputs;
};

// Reads the attributes of one layer; `inputs` are left to the caller to
// resolve. Sets context.layer to the layer's name once it is known, so that
// later messages name the layer.
LayerEntry parseLayerEntry(const YAML::Node &node, ReadContext &context);

} // namespace tessel
