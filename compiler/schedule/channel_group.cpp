// A `channels N` group (and `tile RxC+channels N`): tiles over the group's
// output, as a tile group computes them, except in the runs a channel split
// applies to (slicedRuns: FDT's fused depthwise tiling). Within each tile,
// such a run computes slice after slice: its first layer the slice's output
// channels of its region, the channel-wise layers after it the same
// channels of theirs, each into a tile buffer holding just those channels,
// and its last layer (a 1x1 convolution) adds the slice's input channels
// to the sums of its region: the first slice starts them from the bias,
// the last applies the epilogue. Input channels are summed in order, so
// every value is the one `layers` computes.
//
// Nothing is recomputed across slices, which share no channel; the tiles'
// regions overlap where windows reach across them, as in a tile group.
#include "schedule/group_lowering.h"

#include <fmt/format.h>

namespace tessel {
namespace {

class ChannelTileLowering {
public:
  ChannelTileLowering(LoweringContext &context, const GroupSchedule &group,
                      const ChannelSplit &split)
      : context_(context), net_(context.net), group_(group), first_(context.firstMember(group)),
        holdsOutput_(context.holdsOutput(group)),
        runs_(slicedRuns(context.net, group.first, group.last)) {
    for (const SlicedRun &run : runs_)
      slices_.push_back(runSlices(net_, run, split.slices));
  }

  void lowerTile(const MapRegion &tile) {
    regions_ = traceTile(net_, first_, group_.last, tile);
    size_t run = 0;
    for (int i = first_; i <= group_.last; ++i) {
      if (run < runs_.size() && runs_[run].first == i) {
        lowerRun(runs_[run], slices_[run]);
        i = runs_[run++].last;
      } else {
        addCall(i, ChannelSlice{});
      }
    }
    if (holdsOutput_) // the output's tile, complete
      context_.addOutputConversion(context_.heldWindow(group_.last, regionOf(group_.last)),
                                   regionOf(group_.last));
  }

private:
  const MapRegion &regionOf(int layer) const { return regions_[size_t(layer - first_)]; }

  void lowerRun(const SlicedRun &run, const std::vector<ChannelSlice> &slices) {
    for (size_t s = 0; s < slices.size(); ++s) {
      if (context_.comments)
        context_.addComment(fmt::format("channels [{}, {}) of {} through {}", slices[s].c0,
                                        slices[s].c1, net_.layers[size_t(run.first)].name,
                                        net_.layers[size_t(run.last)].name));
      for (int i = run.first; i < run.last; ++i)
        addCall(i, slices[s]);
      ChannelSlice sums = slices[s];
      sums.ofInput = true;
      sums.accumulates = s > 0;
      sums.finishes = s + 1 == slices.size();
      addCall(run.last, sums);
    }
  }

  // The call of layer i for the current tile: slice.whole() for a layer
  // outside the runs.
  void addCall(int i, const ChannelSlice &slice) {
    KernelCall call;
    call.layer = i;
    call.region = regionOf(i);
    call.slice = slice;
    // Inside a run (past its first layer) the input is the slice's buffer.
    const bool slicedInput = !slice.whole() && (slice.ofInput || !isRunStart(i));
    for (int input : net_.layers[size_t(i)].inputs) {
      if (input < first_) {
        call.inputs.push_back(context_.wholeWindow(input));
        continue;
      }
      WindowRef held = context_.heldWindow(input, regionOf(input));
      if (slicedInput) {
        held.c0 = slice.c0;
        held.c1 = slice.c1;
      }
      call.inputs.push_back(held);
    }
    if (i == group_.last && !holdsOutput_) {
      call.output = context_.wholeWindow(i);
    } else {
      call.output = context_.heldWindow(i, call.region);
      int channels = net_.layers[size_t(i)].output.c;
      if (!slice.whole() && !slice.ofInput) {
        call.output.c0 = slice.c0;
        call.output.c1 = slice.c1;
        channels = slice.width();
      }
      const int64_t bytes = int64_t(call.region.height()) * call.region.width() * channels * 4;
      context_.capacity[size_t(i)] = std::max(context_.capacity[size_t(i)], bytes);
    }
    context_.addKernel(std::move(call));
  }

  bool isRunStart(int layer) const {
    for (const SlicedRun &run : runs_)
      if (run.first == layer)
        return true;
    return false;
  }

  LoweringContext &context_;
  const Network &net_;
  const GroupSchedule &group_;
  const int first_;        // the input (0) when the group converts it region by region
  const bool holdsOutput_; // the output tile goes to a buffer, converted to NCHW
  const std::vector<SlicedRun> runs_;
  std::vector<std::vector<ChannelSlice>> slices_; // by run
  std::vector<MapRegion> regions_;                // of the tile being lowered, by member
};

} // namespace

void lowerChannelGroup(LoweringContext &context, const GroupSchedule &group,
                       const ChannelSplit &split) {
  const Shape &out = context.net.layers[size_t(group.last)].output;
  const std::vector<AxisRange> rows = balancedSplit(out.h, split.rows);
  const std::vector<AxisRange> cols = balancedSplit(out.w, split.cols);
  ChannelTileLowering lowering(context, group, split);
  for (int r = 0; r < split.rows; ++r)
    for (int c = 0; c < split.cols; ++c) {
      const MapRegion tile{int(rows[size_t(r)].begin), int(rows[size_t(r)].end),
                           int(cols[size_t(c)].begin), int(cols[size_t(c)].end)};
      if (context.comments && split.rows * split.cols > 1)
        context.addComment(fmt::format("tile ({}, {}) of {}x{}: {}", r, c, split.rows, split.cols,
                                       formatRegion(tile)));
      lowering.lowerTile(tile);
    }
}

} // namespace tessel
