// A network schedule: the layers cut into groups, each run one way.
//
//   layers       every tensor of the group materialized, layer after layer
//   tile RxC     a balanced R x C grid over the group's output; each tile is
//                traced back through the group and computed through all its
//                layers from exactly the input region it needs (halos are
//                recomputed by neighbouring tiles)
//   stream H     full-width stripes of H output rows; every layer keeps a
//                rolling window of the rows its consumer still needs, so no
//                row is computed twice
//
// Text form, for users and tests (layer numbers as `tessel info` prints
// them, the input not counted; ranges inclusive; layers not named run as
// `layers`):
//   "0-7:tile5x5, 8-15:stream4"     "3:layers, 4-9:tile2x3"
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tessel {

enum class GroupKind { Layers, Tile, Stream };

struct GroupSchedule {
  int first = 1; // normalized layer indices (layer 0 is the input), inclusive
  int last = 1;
  GroupKind kind = GroupKind::Layers;
  int tileRows = 1, tileCols = 1; // Tile
  int stripeRows = 1;             // Stream
};

struct NetworkSchedule {
  std::vector<GroupSchedule> groups; // consecutive, covering layers 1..N-1
};

// Every layer in one `layers` group.
NetworkSchedule layerByLayer(const Network &normalized);

// Parses the text form and checks it against the network: ranges in order
// and inside the network, tiled and streamed groups are chains of spatial
// layers whose inner results nothing else reads, grids no larger than the
// group's output.
llvm::Expected<NetworkSchedule> parseSchedule(const std::string &text, const Network &normalized);

// Checks a schedule built in code by the same rules.
llvm::Error validateSchedule(const NetworkSchedule &schedule, const Network &normalized);

// One group's way of running: "layers", "tile5x5", "stream4".
std::string groupKindText(const GroupSchedule &group);

// The canonical text form, covering every layer: "0-7:tile5x5, 8-15:layers".
std::string formatSchedule(const NetworkSchedule &schedule);

} // namespace tessel
