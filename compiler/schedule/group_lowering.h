// Internal to the schedule lowering: what each kind of group contributes.
#pragma once

#include "schedule/execution_plan.h"

namespace tessel {

// Shared state while lowering one network.
struct LoweringContext {
  const Network &net;
  ExecutionPlan &plan;
  const LoweringOptions &options;
  std::vector<int64_t> capacity; // bytes each tile buffer or row window must hold (any thread's)
  bool comments = true;          // tile and stripe headings, for the generated code only
  int part = -1;                 // the part of the parallel section being lowered; -1 outside
  // Bytes of scratch each layer's calls need (the largest call's), by layer;
  // sized on the first call.
  std::vector<int64_t> workspace;

  WindowRef wholeWindow(int layer) const;
  // The window of the layer's map that its buffer holds: `held`'s rows and
  // columns, in the copy the operations being lowered use.
  WindowRef heldWindow(int layer, const MapRegion &held) const;
  // The group's first layer, or the input (0) when the group converts the
  // input region by region (convertsInputInGroup).
  int firstMember(const GroupSchedule &group) const;
  // Whether the group's last layer is the network's output, written into a
  // tile buffer or row window and converted region by region
  // (convertsOutputInGroup).
  bool holdsOutput(const GroupSchedule &group) const;
  // The copy of the group's buffers the operations being lowered use: the
  // part's own in a parallel section.
  int copy() const { return std::max(part, 0); }
  void addKernel(KernelCall call);
  void addComment(std::string text, bool opensStripe = false);
  void addShift(const RowShift &shift);
  // Converts `region` of the output map, held in the window `held`, into the
  // caller's NCHW output.
  void addOutputConversion(const WindowRef &held, const MapRegion &region);

  // A parallel section of `parts` parts for the group whose first member is
  // `layer` (nothing when `parts` is 1): beginPart(p) before the operations
  // of part p, endParts() after the last.
  void beginParts(int parts, int layer);
  void beginPart(int p);
  void endParts();
};

void lowerLayersGroup(LoweringContext &context, const GroupSchedule &group);
void lowerTiledGroup(LoweringContext &context, const GroupSchedule &group, const TileGrid &grid);
void lowerStreamedGroup(LoweringContext &context, const GroupSchedule &group,
                        const Stripes &stripes);
void lowerChannelGroup(LoweringContext &context, const GroupSchedule &group,
                       const ChannelSplit &split);

// The output region each member of a tile or channels group computes for
// one tile of the group's output (from its first member, `first`).
std::vector<MapRegion> traceTile(const Network &net, int first, int last, const MapRegion &tile);

} // namespace tessel
