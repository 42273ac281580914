// Reading a network description (docs/network-format.md) into the IR:
// attributes, layer order and inputs. Shapes and weights come later.
#pragma once

#include "frontend/attribute_locations.h"
#include "ir/network.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tessel {

// Where the parameters come from: `weights: {file: PATH}` or `{random: SEED}`.
struct WeightsSource {
  std::optional<std::string> file; // as written, relative to the description
  uint64_t seed = 0;               // when there is no file
  SourceLoc loc;                   // the value, for diagnostics
};

struct NetworkDescription {
  Network network; // Layer::output and Layer::weights not filled yet
  WeightsSource weights;
  AttributeLocations locations;
};

// Parses the YAML text of a description; `fileName` is for diagnostics.
llvm::Expected<NetworkDescription> parseNetworkDescription(llvm::StringRef text,
                                                           const std::string &fileName);

} // namespace tessel
