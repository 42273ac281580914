// The order a tile group's layers run in within each tile. A group spanning
// branches (a downsampling residual block, the sides of a concat) may run
// them in any order its edges allow; the order sets how long each tile
// buffer lives, so it is chosen to keep the fewest bytes live at once.
#pragma once

#include "ir/network.h"
#include "schedule/schedule.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel {

// The members of a fused group whose outputs live in the group's own
// buffers: from the input (0, when the group converts it) or the first
// layer, up to the last inner layer, or the last layer when the group
// converts the output.
struct HeldMembers {
  int first = 0, last = 0;
};

// The layers of a group in the order each tile runs them; step of a layer:
// the group's first step plus its place in that order. A layer outside the
// group (the input a group converts) keeps its own index as its step.
class MemberOrder {
public:
  // Layer order: group.first, group.first + 1, ..., group.last.
  explicit MemberOrder(const GroupSchedule &group);
  MemberOrder(const GroupSchedule &group, std::vector<int> layers);

  const std::vector<int> &layers() const { return layers_; }
  int stepOf(int layer) const {
    return layer >= first_ && layer < first_ + int(stepOf_.size()) ? stepOf_[size_t(layer - first_)]
                                                                   : layer;
  }
  bool isLayerOrder() const;

private:
  int first_ = 0;
  std::vector<int> layers_;
  std::vector<int> stepOf_; // by layer - first_
};

// The order for a tile group whose held members' buffers take `capacity`
// bytes and whose layers' calls need `workspace` bytes of scratch (both by
// layer; `workspace` may be shorter than the network): among the orders the
// group's edges allow, one whose largest sum of live bytes at a step (the
// buffers written at or before it and read at or after it, and the step's
// workspace) is smallest. Layer order unless another is strictly smaller,
// and for every group that is not a tile grid (a stream's windows and a
// channel split's slice buffers live across the whole group or run, so the
// order changes nothing) or has too many orders to weigh
// (kMaxOrderStates).
MemberOrder chooseMemberOrder(const Network &normalized, const GroupSchedule &fused,
                              HeldMembers held, const std::vector<int64_t> &capacity,
                              const std::vector<int64_t> &workspace);

// The layers' names in the order, for the generated code's comments.
std::string describeOrder(const Network &normalized, const MemberOrder &order);

// How many sets of layers already run the choice weighs at most: it finds
// the best order by dynamic programming over them (a chain has one per
// layer; each branch beside another multiplies them).
inline constexpr int kMaxOrderStates = 1 << 14;

} // namespace tessel
