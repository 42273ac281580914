#include "search/schedule_search.h"

#include "search/latency_model.h"

#include "analysis/layer_costs.h"
#include "ops/conv_primitives.h"
#include "plan/arena_planner.h"
#include "schedule/thread_split.h"
#include "support/overloaded.h"

#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <tuple>

namespace tessel {
namespace {

// The schedule running `group` and every other layer on its own.
NetworkSchedule withSingleGroup(const Network &net, const GroupSchedule &group) {
  NetworkSchedule schedule;
  schedule.primitives = primitivesOf(net);
  for (int layer = 1; layer < int(net.layers.size()); ++layer) {
    if (layer == group.first) {
      schedule.groups.push_back(group);
      layer = group.last;
      continue;
    }
    GroupSchedule single;
    single.first = single.last = layer;
    schedule.groups.push_back(single);
  }
  return schedule;
}

// The fused ways of running layers first..last the options allow: on
// several threads, each tile grid and stripe height in parts and `/split`.
std::vector<GroupSchedule> fusedKinds(const Network &net, int first, int last,
                                      const SearchOptions &options) {
  const Shape &out = net.layers[size_t(last)].output;
  const int threads = options.threads;
  std::vector<GroupSchedule> kinds;
  auto add = [&](GroupWay parts, GroupWay split) {
    kinds.push_back(GroupSchedule{first, last, parts});
    if (groupParts(net, kinds.back(), threads) > 1) // else it splits its calls already
      kinds.push_back(GroupSchedule{first, last, split});
  };
  for (int rows = 1; rows <= std::min(options.maxTileGrid, out.h); ++rows)
    for (int cols = 1; cols <= std::min(options.maxTileGrid, out.w); ++cols) {
      if (rows * cols == 1)
        continue; // one tile is the `layers` schedule with extra steps
      add(TileGrid{rows, cols, ThreadUse::Parts}, TileGrid{rows, cols, ThreadUse::Split});
    }
  for (int bands : options.stripeBands)
    for (int stripe : options.stripeRows)
      if (stripe < out.h && bands <= out.w)
        add(Stripes{stripe, ThreadUse::Parts, bands}, Stripes{stripe, ThreadUse::Split, bands});
  return kinds;
}

// Whether layers first..last may fuse when first + 1..last may: the first
// layer is spatial and nothing after the group reads it (checkFusedGroup).
bool startsBranchGroup(const Network &net, const std::vector<std::vector<int>> &consumers,
                       int first, int last) {
  const std::vector<int> &readers = consumers[size_t(first)];
  return isSpatiallyTileable(net.layers[size_t(first)].op) && !readers.empty() &&
         readers.back() <= last;
}

// Whether fused group first..last is a chain: each layer after the first
// reads only the one before it, which nothing else reads.
bool isChain(const Network &net, const std::vector<std::vector<int>> &consumers, int first,
             int last) {
  for (int i = first; i < last; ++i)
    if (net.layers[size_t(i + 1)].inputs != std::vector<int>{i} ||
        consumers[size_t(i)] != std::vector<int>{i + 1})
      return false;
  return true;
}

// The narrowest slice the search makes in runs too narrow for whole units
// (channelSlices): narrower ones leave the kernels too few channels a call.
constexpr int kMinSliceChannels = 8;

// The channel splits of fused group first..last the options allow (none
// without a run to slice), each slice count in each grid.
std::vector<GroupSchedule> channelKinds(const Network &net, int first, int last,
                                        const SearchOptions &options) {
  std::vector<GroupSchedule> kinds;
  if (options.channelSlices.empty() || last - first + 1 > options.maxChannelGroupLayers)
    return kinds;
  int widest = 0;
  for (const SlicedRun &run : slicedRuns(net, first, last))
    widest = std::max(widest, net.layers[size_t(run.first)].output.c);
  const Shape &out = net.layers[size_t(last)].output;
  for (int side : options.channelGrids)
    if (side <= out.h && side <= out.w)
      for (int slices : options.channelSlices)
        if (slices >= 2 && slices * kMinSliceChannels <= widest &&
            int(channelSlices(widest, slices).size()) == slices) // else fewer are made
          kinds.push_back(GroupSchedule{first, last, ChannelSplit{slices, side, side}});
  return kinds;
}

// Whether a search without branch groups and channel splits has the
// candidate: a `layers` group, or a tile or stream group over a chain (each
// layer but the last read only by the next, which reads only it).
bool isChainCandidate(const Network &net, const std::vector<std::vector<int>> &consumers,
                      const GroupSchedule &group) {
  if (std::holds_alternative<ChannelSplit>(group.way))
    return false;
  for (int i = group.first; i < group.last && group.fused(); ++i)
    if (consumers[size_t(i)] != std::vector<int>{i + 1} ||
        net.layers[size_t(i + 1)].inputs != std::vector<int>{i})
      return false;
  return true;
}

// The points of both fronts that no point of either beats in both latency
// and planned arena, fastest first.
std::vector<ParetoPoint> mergeFronts(std::vector<ParetoPoint> a, std::vector<ParetoPoint> b) {
  a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  std::stable_sort(a.begin(), a.end(), [](const ParetoPoint &x, const ParetoPoint &y) {
    return x.choice.seconds < y.choice.seconds ||
           (x.choice.seconds == y.choice.seconds && x.arenaBytes < y.arenaBytes);
  });
  std::vector<ParetoPoint> merged;
  for (ParetoPoint &point : a)
    if (merged.empty() || point.arenaBytes < merged.back().arenaBytes)
      merged.push_back(std::move(point));
  return merged;
}

// Neighbouring layers that each run on their own make one `layers` group:
// the same execution, written the way people write schedules.
std::vector<GroupEstimate> mergeLayersRuns(const std::vector<GroupEstimate> &groups) {
  std::vector<GroupEstimate> merged;
  for (const GroupEstimate &g : groups) {
    if (!merged.empty() && std::holds_alternative<LayerByLayer>(g.group.way) &&
        std::holds_alternative<LayerByLayer>(merged.back().group.way)) {
      GroupEstimate &run = merged.back();
      run.group.last = g.group.last;
      run.peakBytes = std::max(run.peakBytes, g.peakBytes);
      run.seconds += g.seconds;
      run.macs += g.macs;
      run.layerMacs += g.layerMacs;
      run.primitives.insert(g.primitives.begin(), g.primitives.end());
      continue;
    }
    merged.push_back(g);
  }
  return merged;
}

// How a candidate's first layer runs: whether each of its calls computes its
// whole map (and each of the input's, when the group converts the input),
// and how many calls it makes.
struct FirstLayerCalls {
  bool whole = true;
  int calls = 0;
};

FirstLayerCalls firstLayerCalls(const Network &net, const std::vector<Operation> &operations,
                                const GroupSchedule &group, bool inputInGroup) {
  FirstLayerCalls first;
  for (const Operation &op : operations) {
    if (op.kind != Operation::Kind::Kernel)
      continue;
    const int layer = op.call.layer;
    if (layer == group.first || (inputInGroup && layer == 0)) {
      first.whole = first.whole && op.call.region == wholeMap(net.layers[size_t(layer)].output);
      first.calls += layer == group.first;
    }
  }
  return first;
}

// Whether a fused group running in `parts` parts computes its first
// layer's whole map (and the input's, when the group converts it) as
// beatenBySplit needs: once (stream on one thread), or in every tile (each
// part then makes the whole-map calls at least once).
bool firstMapWhole(const GroupSchedule &group, const FirstLayerCalls &firstCalls, int parts) {
  return std::visit(Overloaded{[](const LayerByLayer &) { return false; },
                               [&](const TileGrid &grid) {
                                 return firstCalls.whole &&
                                        (parts == 1 || firstCalls.calls == grid.rows * grid.cols);
                               },
                               [&](const Stripes &) {
                                 return firstCalls.whole && firstCalls.calls == 1 && parts == 1;
                               },
                               [](const ChannelSplit &) { return false; }},
                    group.way);
}

// Whether fused group c = first..last is never better than its first layer
// on its own followed by rest = first+1..last fused the same way, so that
// the search can leave it out. Only when rest is fused too (first + 1 <
// last) and c's first layer computes its whole map in every call (and the
// input's whole map, when c converts it):
//  - rest's calls are c's calls of its layers: each layer computes the
//    region its consumer reads, traced back from the group's output,
//    whatever runs before; c's whole-map calls of the first layer (and the
//    input's conversion) are the calls running it on its own makes.
//  - stream (not in parts): the first layer (and the input) runs once, so both make the
//    same calls: the same time (summed in another order, so up to rounding). Its row window then
//    holds its whole map throughout c's steps, where rest holds the same map as its input, and the
//    other bytes live at each step are the same or fewer, so neither rest nor the layer on its own
//    peaks higher than c.
//  - tile: every tile repeats the whole-map calls, at least two where one
//    does: strictly slower. In parts, the part with rest's slowest tiles
//    also makes the whole-map calls (on one thread, where the split makes
//    them once, split if that pays): not faster. A tile buffer is live for
//    two steps only, so rest (holding the whole map throughout) may peak
//    higher: compared.
// Both preparations apply this same rule, so they give the same candidates.
bool beatenBySplit(const GroupEstimate &c, const FirstLayerCalls &firstCalls, int parts,
                   int64_t restPeak, int64_t firstAlonePeak) {
  if (c.group.last - c.group.first < 2 || !firstMapWhole(c.group, firstCalls, parts))
    return false;
  return std::visit(Overloaded{[](const LayerByLayer &) { return false; },
                               [&](const TileGrid &) {
                                 return c.peakBytes >= restPeak && c.peakBytes >= firstAlonePeak;
                               },
                               [](const Stripes &) { return true; },
                               [](const ChannelSplit &) { return false; }},
                    c.group.way);
}

// The maps of the layer-by-layer plan made before each layer and live at its
// step, in bytes.
std::vector<int64_t> crossingBytes(const ExecutionPlan &base, int layerCount) {
  std::vector<int64_t> crossing(size_t(layerCount) + 1, 0);
  for (const BufferRequest &buffer : base.buffers)
    if (buffer.firstStep + 1 <= buffer.lastStep) {
      crossing[size_t(buffer.firstStep + 1)] += alignUp(buffer.bytes);
      crossing[size_t(std::min(buffer.lastStep, layerCount - 1) + 1)] -= alignUp(buffer.bytes);
    }
  for (int layer = 1; layer <= layerCount; ++layer)
    crossing[size_t(layer)] += crossing[size_t(layer - 1)];
  return crossing;
}

// `layers` MACs of the layers before each one.
std::vector<int64_t> macsBeforeEach(const Network &net) {
  const int layerCount = int(net.layers.size());
  std::vector<int64_t> macsBefore(size_t(layerCount) + 1, 0);
  for (int layer = 0; layer < layerCount; ++layer)
    macsBefore[size_t(layer + 1)] = macsBefore[size_t(layer)] + layerMacs(net, layer);
  return macsBefore;
}

// A call computing each layer's whole map (the input's: a tile's
// conversion) on `threads` threads.
std::vector<double> wholeCallSecondsEach(const Network &net, int threads,
                                         const LatencyProfile &profile) {
  std::vector<double> seconds(net.layers.size(), 0);
  for (size_t layer = 0; layer < net.layers.size(); ++layer)
    if (layer == 0 || isSpatiallyTileable(net.layers[layer].op))
      seconds[layer] =
          predictCallSeconds(net, int(layer), wholeMap(net.layers[layer].output), threads, profile);
  return seconds;
}

// How a candidate runs on the threads: in `parts` parts, each of its calls
// on `callThreads` threads (split where that pays).
struct KindThreads {
  int parts = 1;
  int callThreads = 1;
};

// Adds a tile group's times as its plan's operations run: whatever comes
// before the tiles, then the tiles in order, each run of tiles in its own
// part when the group runs in parts (lowerTiledGroup's runs).
class TileTally {
public:
  TileTally(const LatencyProfile &profile, double before, size_t tiles, int parts)
      : tally_(profile), parts_(parts) {
    tally_.add(before);
    if (parts_ > 1) {
      tally_.fork(parts);
      const std::vector<AxisRange> runs = balancedSplit(int(tiles), parts);
      for (int part = 0; part < parts; ++part)
        partOfTile_.insert(partOfTile_.end(), size_t(runs[size_t(part)].size()), part);
    }
  }
  void startTile(size_t tile) { part_ = parts_ > 1 ? partOfTile_[tile] : -1; }
  void add(double seconds) { tally_.add(seconds, part_); }
  double seconds() {
    if (parts_ > 1)
      tally_.join();
    return tally_.seconds();
  }

private:
  TimeTally tally_;
  int parts_;
  std::vector<int> partOfTile_;
  int part_ = -1;
};

// A lowered candidate, and for a tile group the own bytes it peaks at
// after its first step, its first layer's tile buffer, each member's
// buffer (the sizes a thread's space holds) and its calls.
struct LoweredCandidate {
  GroupEstimate estimate;
  FirstLayerCalls firstCalls;
  int64_t peakAfterFirst = 0; // own buffers only
  int64_t firstBuffer = 0;
  std::vector<int64_t> memberBytes;     // by layer
  std::vector<int64_t> memberWorkspace; // by layer
  std::vector<double> callSeconds;      // of each kernel call, in order
  std::vector<size_t> tileStarts;       // where each tile's calls start
};

// Per kind, the candidate starting one layer higher: its peak, the own
// bytes after its first step, its first layer's tile buffer, each member's
// buffer, and whether beatenBySplit's whole-map condition held for it.
struct Above {
  int64_t peak = 0, peakAfterFirst = 0, firstBuffer = 0;
  std::vector<int64_t> memberBytes; // by layer (0 for the layers before the first)
  // The first layer's workspace (aligned), live at its step only, and each
  // member's (as planThreadSpace takes them).
  int64_t firstWorkspace = 0;
  std::vector<int64_t> memberWorkspace;
  bool whole = false;
  // While `whole`, the lowest candidate lowered (the anchor): its first
  // layer, MACs, and each call's seconds. Every tile of a candidate
  // starting lower makes whole-map calls up to the anchor's first layer,
  // then the anchor's calls for that tile.
  int anchor = 0;
  int64_t anchorMacs = 0;
  std::vector<double> anchorSeconds;
  std::vector<size_t> anchorTiles;
  // A tile group grown one layer at a time from its last layer alone: each
  // tile's region of the current first layer and its calls' seconds from
  // the last layer down. Off once a candidate had to be lowered.
  bool growing = false;
  std::vector<MapRegion> regions;
  std::vector<std::vector<double>> calls;
  int64_t macs = 0;

  // The grown group starting at `first` becomes the anchor.
  void anchorGrownTiles(int first) {
    anchor = first;
    anchorMacs = macs;
    anchorSeconds.clear();
    anchorTiles.clear();
    for (const std::vector<double> &tile : calls) {
      anchorTiles.push_back(anchorSeconds.size());
      anchorSeconds.insert(anchorSeconds.end(), tile.rbegin(), tile.rend());
    }
  }
};

// What growing a tile group by one layer gives each tile: the new first
// layer's region (updated in Above) and, when the group converts the input,
// the input's region; the largest of each in bytes.
struct GrownLayer {
  int64_t bytes = 0, inputRegionBytes = 0;
  int64_t workspace = 0; // the new first layer's largest call's
  std::vector<MapRegion> inputRegions;
  FirstLayerCalls firstCalls;
};

// Lowers each candidate on its own, without the rest of the network, and
// computes what estimateGroup reads off a whole schedule's plan (the same
// operations summed in the same order, so the same figures to the bit):
// while c is lowered, the bytes live at its steps are its own buffers, its
// output map, and the maps made before it and read at or after its first
// layer. Those are live across all of its steps, and are the ones the
// layer-by-layer plan holds at that layer's step.
//
// Candidates ending at a layer are built from the shortest up, and one that
// beatenBySplit leaves out, with a first layer computing its whole map, is
// usually followed by more: the next one down computes the whole map of its
// first layer too when that is all the layer above reads. Those are left out
// without lowering them (a tile group's peak follows from the shorter one's).
class GroupByGroup {
public:
  GroupByGroup(const Network &net, const LatencyProfile &profile, const SearchOptions &options,
               const LoweringOptions &lowering, const ExecutionPlan &base,
               std::vector<std::vector<GroupEstimate>> &endingAt)
      : net_(net), profile_(profile), options_(options), lowering_(lowering), base_(base),
        threads_(lowering.threads), endingAt_(endingAt), consumers_(net.allConsumers()),
        crossing_(crossingBytes(base, int(net.layers.size()))), macsBefore_(macsBeforeEach(net)),
        wholeCallSeconds_(wholeCallSecondsEach(net, threads_, profile)),
        wholeCallSecondsAlone_(wholeCallSecondsEach(net, 1, profile)),
        wholeNeeded_(net.layers.size(), -1), capacity_(net.layers.size(), 0),
        byFirst_(net.layers.size()) {
    inputBytes_ = base.storage[0].kind == StorageKind::Full ? mapBytes(0) : 0;
    inputConvertible_ = inputBytes_ > 0 && consumers_[0] == std::vector<int>{1};
    Operation convertInput;
    convertInput.kind = Operation::Kind::ConvertInput;
    convertInputSeconds_ = predictOperationSeconds(net, convertInput, profile);
  }

  // Adds the fused candidates ending at `last` that no split beats, in the
  // exhaustive preparation's order.
  void addCandidatesEndingAt(int last) {
    if (!isSpatiallyTileable(net_.layers[size_t(last)].op))
      return;
    const std::vector<GroupSchedule> kinds = fusedKinds(net_, last - 1, last, options_);
    std::vector<Above> above = startAbove(kinds, last);
    int lowest = last; // the lowest first layer tried
    int first = last - 1;
    for (; first >= 1 && extendsChain(first); --first) {
      lowest = first;
      addCandidatesStartingAt(first, kinds, above);
    }
    // Below the chain, groups spanning branches (a residual block, both
    // sides of a concat): each lowered whole, as the tile growth above
    // follows one reader per layer.
    for (; first >= 1 && options_.branchGroups && startsBranchGroup(net_, consumers_, first, last);
         --first) {
      lowest = first;
      for (size_t kind = 0; kind < kinds.size(); ++kind) {
        GroupSchedule group = kinds[kind];
        group.first = first;
        addLowered(group, first == 1 && inputConvertible_, above[kind]);
      }
    }
    // Channel splits of the same groups, after the spatial kinds of each
    // first layer (as the exhaustive preparation orders them).
    for (int start = last - 1; start >= lowest; --start)
      for (const GroupSchedule &group : channelKinds(net_, start, last, options_)) {
        Above none;
        addLowered(group, start == 1 && inputConvertible_, none);
      }
    for (int start = lowest; start < last; ++start) {
      std::vector<GroupEstimate> &found = byFirst_[size_t(start)];
      std::move(found.begin(), found.end(), std::back_inserter(endingAt_[size_t(last)]));
      found.clear();
    }
  }

private:
  KindThreads kindThreads(const GroupSchedule &group) const {
    const int parts = groupParts(net_, group, threads_);
    return KindThreads{parts, parts > 1 ? 1 : threads_};
  }

  // Each tile grid on the last layer alone, to grow downwards. A tile of
  // the network's output is written to a tile buffer and converted into the
  // caller's output after its call (convertsOutputInGroup).
  std::vector<Above> startAbove(const std::vector<GroupSchedule> &kinds, int last) const {
    std::vector<Above> above(kinds.size());
    const Shape &out = net_.layers[size_t(last)].output;
    for (size_t kind = 0; kind < kinds.size(); ++kind)
      if (const TileGrid *grid = std::get_if<TileGrid>(&kinds[kind].way)) {
        Above &a = above[kind];
        a.growing = true;
        a.memberBytes.assign(net_.layers.size(), 0);
        a.memberWorkspace.assign(net_.layers.size(), 0);
        const bool converts = convertsOutput(kinds[kind]);
        const int callThreads = kindThreads(kinds[kind]).callThreads;
        for (const AxisRange &rows : balancedSplit(out.h, grid->rows))
          for (const AxisRange &cols : balancedSplit(out.w, grid->cols)) {
            const MapRegion tile{int(rows.begin), int(rows.end), int(cols.begin), int(cols.end)};
            a.regions.push_back(tile);
            a.calls.emplace_back(); // from the last call down
            if (converts) {
              a.calls.back().push_back(outputConversionSeconds(last, tile));
              a.firstBuffer = std::max(a.firstBuffer, alignUp(regionBytes(last, tile)));
            }
            a.calls.back().push_back(callSeconds(last, tile, callThreads));
            a.macs += regionMacs(net_, last, tile);
            a.memberWorkspace[size_t(last)] =
                std::max(a.memberWorkspace[size_t(last)], workspaceBytes(OpSite(net_, last), tile));
          }
        a.memberBytes[size_t(last)] = a.firstBuffer;
        a.firstWorkspace = alignUp(a.memberWorkspace[size_t(last)]);
      }
    return above;
  }

  // Whether a group may start at `first` when one may start at first + 1
  // (checkFusedGroup's rules): once not, no longer group may either.
  bool extendsChain(int first) const {
    const Layer &layer = net_.layers[size_t(first)];
    const Layer &next = net_.layers[size_t(first + 1)];
    return isSpatiallyTileable(layer.op) && next.inputs == std::vector<int>{first} &&
           consumers_[size_t(first)] == std::vector<int>{first + 1};
  }

  void addCandidatesStartingAt(int first, const std::vector<GroupSchedule> &kinds,
                               std::vector<Above> &above) {
    const bool inputInGroup = first == 1 && inputConvertible_;
    const bool wholeBelow = wholeNeeded(first + 1) && (!inputInGroup || wholeNeeded(first));
    for (size_t kind = 0; kind < kinds.size(); ++kind) {
      GroupSchedule group = kinds[kind];
      group.first = first;
      addCandidate(group, inputInGroup, wholeBelow, above[kind]);
    }
  }

  void addCandidate(const GroupSchedule &group, bool inputInGroup, bool wholeBelow, Above &a) {
    if (a.whole && wholeBelow && group.first + 1 < group.last) {
      // The layer above computed its whole map once (stream) or in every
      // tile, so this one computes its whole map the same way.
      std::visit(Overloaded{[](const LayerByLayer &) {
                              llvm_unreachable("a layers group is not a fused candidate");
                            },
                            [&](const TileGrid &) { addTilesWholeBelow(group, inputInGroup, a); },
                            [](const Stripes &) {}, // beatenBySplit: one whole-map call
                            [](const ChannelSplit &) {
                              llvm_unreachable("channel splits are lowered on their own");
                            }},
                 group.way);
      return;
    }
    if (a.growing)
      addGrownTiles(group, inputInGroup, a);
    else
      addLowered(group, inputInGroup, a);
  }

  void addTilesWholeBelow(const GroupSchedule &group, bool inputInGroup, Above &a) {
    const int first = group.first;
    const int64_t buffer = mapBytes(first);
    const int64_t workspace =
        workspaceBytes(OpSite(net_, first), wholeMap(net_.layers[size_t(first)].output));
    const int64_t ownFirst = buffer + (inputInGroup ? inputBytes_ : 0) + alignUp(workspace);
    const int64_t peakAfterFirst =
        std::max(a.peakAfterFirst, buffer + a.firstBuffer + a.firstWorkspace);
    a.memberBytes[size_t(first)] = buffer;
    a.memberWorkspace[size_t(first)] = workspace;
    a.firstWorkspace = alignUp(workspace);
    const int64_t own = kindThreads(group).parts > 1
                            ? threadSpacesBytes(group, inputInGroup, a.memberBytes, inputBytes_,
                                                a.memberWorkspace, MemberOrder(group))
                            : std::max(ownFirst, peakAfterFirst);
    const int64_t peak =
        std::max(stepZeroBytes(first, inputInGroup), aroundBytes(group, inputInGroup) + own);
    const bool beaten = peak >= a.peak && peak >= firstAlonePeak(first); // beatenBySplit
    a.growing = false;
    a.peak = peak;
    a.peakAfterFirst = peakAfterFirst;
    a.firstBuffer = buffer;
    if (!beaten) // what lowering it would give, in the same order
      byFirst_[size_t(first)].push_back(wholeBelowAnchor(group, inputInGroup, a, peak));
  }

  void addGrownTiles(const GroupSchedule &group, bool inputInGroup, Above &a) {
    FirstLayerCalls firstCalls;
    GroupEstimate estimate = growTiles(group, inputInGroup, a, firstCalls);
    const int parts = kindThreads(group).parts;
    const bool beaten =
        beatenBySplit(estimate, firstCalls, parts, a.peak, firstAlonePeak(group.first));
    a.peak = estimate.peakBytes;
    a.whole = firstMapWhole(group, firstCalls, parts);
    if (a.whole) // the anchor for the candidates below
      a.anchorGrownTiles(group.first);
    if (!beaten)
      byFirst_[size_t(group.first)].push_back(std::move(estimate));
  }

  void addLowered(const GroupSchedule &group, bool inputInGroup, Above &a) {
    LoweredCandidate c = lower(group, inputInGroup);
    const int parts = kindThreads(group).parts;
    const bool beaten =
        beatenBySplit(c.estimate, c.firstCalls, parts, a.peak, firstAlonePeak(group.first));
    a = Above{};
    a.peak = c.estimate.peakBytes;
    a.peakAfterFirst = c.peakAfterFirst;
    a.firstBuffer = c.firstBuffer;
    a.memberBytes = std::move(c.memberBytes);
    a.firstWorkspace = alignUp(c.memberWorkspace[size_t(group.first)]);
    a.memberWorkspace = std::move(c.memberWorkspace);
    a.whole = firstMapWhole(group, c.firstCalls, parts);
    a.anchor = group.first;
    a.anchorMacs = c.estimate.macs;
    a.anchorSeconds = std::move(c.callSeconds);
    a.anchorTiles = std::move(c.tileStarts);
    if (!beaten)
      byFirst_[size_t(group.first)].push_back(std::move(c.estimate));
  }

  LoweredCandidate lower(const GroupSchedule &group, bool inputInGroup) {
    LoweredCandidate c;
    GroupEstimate &estimate = c.estimate;
    estimate.group = group;
    // All of the group's MACs: the input's conversion calls have none.
    const GroupEnds ends{inputInGroup, convertsOutput(group)};
    estimate.convertsOutput = ends.output;
    estimate.macs =
        lowerGroupAlone(net_, group, ends, lowering_, operations_, capacity_, workspace_);
    // The same sum as predictLayersSeconds over a whole schedule's plan.
    TimeTally tally(profile_);
    tally.add(inputConversionSeconds(group.first, inputInGroup));
    const bool tiles = std::holds_alternative<TileGrid>(group.way);
    const MemberOrder order = memberOrderOf(net_, group, ends, capacity_, workspace_);
    int previousStep = std::numeric_limits<int>::max();
    for (const Operation &op : operations_) {
      const double call = tally.addOperation(net_, op);
      const bool kernel = op.kind == Operation::Kind::Kernel;
      if (!tiles || (!kernel && op.kind != Operation::Kind::ConvertOutputRegion))
        continue;
      // A tile's calls go up through the group's steps (and convert the
      // output's tile); the next tile's start again below the output (which
      // every tile computes a part of).
      if (kernel && order.stepOf(op.call.layer) <= previousStep)
        c.tileStarts.push_back(c.callSeconds.size());
      previousStep = order.stepOf(op.call.layer);
      c.callSeconds.push_back(call);
    }
    estimate.seconds = tally.seconds();
    estimate.layerMacs = layerMacsOf(group.first, group.last);
    c.firstCalls = firstLayerCalls(net_, operations_, group, inputInGroup);
    measureOwnBytes(group, inputInGroup, order, c);
    return c;
  }

  // Bytes live at steps first..last, from the capacities lowering left.
  void measureOwnBytes(const GroupSchedule &group, bool inputInGroup, const MemberOrder &order,
                       LoweredCandidate &c) {
    const HeldMembers held = heldMembers(group, GroupEnds{inputInGroup, convertsOutput(group)});
    std::vector<int64_t> own(size_t(group.last - group.first + 1), 0);
    c.memberBytes.assign(net_.layers.size(), 0);
    for (int member = held.first; member <= held.last; ++member) {
      const int64_t bytes = alignUp(capacity_[size_t(member)]);
      capacity_[size_t(member)] = 0; // for the next candidate
      c.memberBytes[size_t(member)] = bytes;
      if (member == group.first)
        c.firstBuffer = bytes;
      const StepRange steps = ownBufferSteps(net_, group, member, order);
      for (int step = steps.first; step <= steps.last; ++step)
        own[size_t(step - group.first)] += bytes;
    }
    c.memberWorkspace.assign(net_.layers.size(), 0);
    for (int layer = group.first; layer <= group.last && size_t(layer) < workspace_.size();
         ++layer) { // a workspace lives at its layer's step
      c.memberWorkspace[size_t(layer)] = workspace_[size_t(layer)];
      own[size_t(order.stepOf(layer) - group.first)] += alignUp(workspace_[size_t(layer)]);
      workspace_[size_t(layer)] = 0;
    }
    for (size_t step = 1; step < own.size(); ++step)
      c.peakAfterFirst = std::max(c.peakAfterFirst, own[step]);
    if (kindThreads(group).parts > 1) // every thread's space throughout the group
      own.assign(own.size(), threadSpacesBytes(group, inputInGroup, c.memberBytes, c.memberBytes[0],
                                               c.memberWorkspace, order));
    const int64_t around = aroundBytes(group, inputInGroup);
    c.estimate.peakBytes = stepZeroBytes(group.first, inputInGroup);
    for (int64_t bytes : own)
      c.estimate.peakBytes = std::max(c.estimate.peakBytes, around + bytes);
  }

  // The tile group `group` from the one starting a layer higher (`a`), as
  // lowering it would give: each tile computes the region of the new first
  // layer (and of the input, when the group converts it) the layer above
  // reads, before that layer's calls. Updates `a`.
  GroupEstimate growTiles(const GroupSchedule &group, bool inputInGroup, Above &a,
                          FirstLayerCalls &firstCalls) {
    const int first = group.first;
    const KindThreads threads = kindThreads(group);
    const GrownLayer grown = growRegions(first, inputInGroup, threads.callThreads, a);
    firstCalls = grown.firstCalls;
    const int64_t buffer = alignUp(grown.bytes), workspace = alignUp(grown.workspace);
    // The layer above's step holds its buffer, this one's, and its workspace.
    a.peakAfterFirst = std::max(a.peakAfterFirst, buffer + a.firstBuffer + a.firstWorkspace);
    a.firstBuffer = buffer;
    a.firstWorkspace = workspace;
    a.memberBytes[size_t(first)] = buffer;
    a.memberWorkspace[size_t(first)] = grown.workspace;
    const int64_t own =
        threads.parts > 1
            ? threadSpacesBytes(group, inputInGroup, a.memberBytes, grown.inputRegionBytes,
                                a.memberWorkspace, MemberOrder(group))
            : std::max(buffer + alignUp(grown.inputRegionBytes) + workspace, a.peakAfterFirst);
    GroupEstimate estimate;
    estimate.group = group;
    estimate.convertsOutput = convertsOutput(group);
    estimate.macs = a.macs;
    estimate.layerMacs = layerMacsOf(first, group.last);
    estimate.peakBytes =
        std::max(stepZeroBytes(first, inputInGroup), aroundBytes(group, inputInGroup) + own);
    TileTally tally(profile_, inputConversionSeconds(first, inputInGroup), a.calls.size(),
                    threads.parts);
    for (size_t tile = 0; tile < a.calls.size(); ++tile) {
      tally.startTile(tile);
      if (inputInGroup && !grown.inputRegions[tile].empty())
        tally.add(callSeconds(0, grown.inputRegions[tile], threads.callThreads));
      for (auto call = a.calls[tile].rbegin(); call != a.calls[tile].rend(); ++call)
        tally.add(*call);
    }
    estimate.seconds = tally.seconds();
    return estimate;
  }

  GrownLayer growRegions(int first, bool inputInGroup, int callThreads, Above &a) {
    const Shape &firstMap = net_.layers[size_t(first)].output, &inputMap = net_.layers[0].output;
    GrownLayer grown;
    for (size_t tile = 0; tile < a.regions.size(); ++tile) {
      MapRegion &region = a.regions[tile];
      region = inputNeed(net_, first + 1, 0, region).region;
      grown.bytes =
          std::max(grown.bytes, int64_t(region.height()) * region.width() * firstMap.c * 4);
      grown.firstCalls.whole = grown.firstCalls.whole && region == wholeMap(firstMap);
      if (!region.empty()) { // addKernel leaves out empty calls
        a.calls[tile].push_back(callSeconds(first, region, callThreads));
        a.macs += regionMacs(net_, first, region);
        grown.workspace = std::max(grown.workspace, workspaceBytes(OpSite(net_, first), region));
        ++grown.firstCalls.calls;
      }
      if (inputInGroup) {
        grown.inputRegions.push_back(inputNeed(net_, first, 0, region).region);
        const MapRegion &in = grown.inputRegions.back();
        grown.inputRegionBytes =
            std::max(grown.inputRegionBytes, int64_t(in.height()) * in.width() * inputMap.c * 4);
        grown.firstCalls.whole = grown.firstCalls.whole && in == wholeMap(inputMap);
      }
    }
    return grown;
  }

  // The estimate of a tile group whose layers below the anchor compute their
  // whole maps in every tile: the sums lowering it would give, in its order.
  GroupEstimate wholeBelowAnchor(const GroupSchedule &group, bool inputInGroup, const Above &a,
                                 int64_t peak) const {
    GroupEstimate estimate;
    estimate.group = group;
    estimate.convertsOutput = convertsOutput(group);
    estimate.peakBytes = peak;
    const KindThreads threads = kindThreads(group);
    const std::vector<double> &whole =
        threads.callThreads > 1 ? wholeCallSeconds_ : wholeCallSecondsAlone_;
    TileTally tally(profile_, inputConversionSeconds(group.first, inputInGroup),
                    a.anchorTiles.size(), threads.parts);
    for (size_t tile = 0; tile < a.anchorTiles.size(); ++tile) {
      tally.startTile(tile);
      if (inputInGroup)
        tally.add(whole[0]);
      for (int layer = group.first; layer < a.anchor; ++layer)
        tally.add(whole[size_t(layer)]);
      const size_t end =
          tile + 1 < a.anchorTiles.size() ? a.anchorTiles[tile + 1] : a.anchorSeconds.size();
      for (size_t call = a.anchorTiles[tile]; call < end; ++call)
        tally.add(a.anchorSeconds[call]);
    }
    estimate.seconds = tally.seconds();
    const int64_t wholeMacs = layerMacsOf(group.first, a.anchor - 1);
    estimate.macs = a.anchorMacs + int64_t(a.anchorTiles.size()) * wholeMacs;
    estimate.layerMacs = layerMacsOf(group.first, group.last);
    return estimate;
  }

  double callSeconds(int layer, const MapRegion &region, int callThreads) const {
    return predictCallSeconds(net_, layer, region, callThreads, profile_);
  }
  double outputConversionSeconds(int output, const MapRegion &region) const {
    Operation conversion;
    conversion.kind = Operation::Kind::ConvertOutputRegion;
    conversion.call.layer = output;
    conversion.call.region = region;
    return predictOperationSeconds(net_, conversion, profile_);
  }
  int64_t regionBytes(int layer, const MapRegion &region) const {
    return int64_t(region.height()) * region.width() * net_.layers[size_t(layer)].output.c * 4;
  }

  // The bytes of every thread's space of a group running in parts, from
  // its members' buffers (`memberBytes`, by layer; the input's region
  // buffer apart, when the group converts the input), its layers run in
  // `order` (a chain's: layer order, the only one its edges allow).
  int64_t threadSpacesBytes(const GroupSchedule &group, bool inputInGroup,
                            std::vector<int64_t> memberBytes, int64_t inputRegionBytes,
                            const std::vector<int64_t> &workspace, const MemberOrder &order) const {
    memberBytes[0] = inputInGroup ? inputRegionBytes : 0;
    const ArenaPlan space = planThreadSpace(
        net_, group, heldMembers(group, GroupEnds{inputInGroup, convertsOutput(group)}), order,
        memberBytes, workspace);
    return kindThreads(group).parts * space.arenaBytes;
  }

  // Whether a layer reads all of its input's map to compute its own.
  bool wholeNeeded(int layer) {
    signed char &known = wholeNeeded_[size_t(layer)];
    if (known < 0) {
      const Layer &reader = net_.layers[size_t(layer)];
      const Shape &input = net_.layers[size_t(reader.inputs[0])].output;
      known = inputNeed(net_, layer, 0, wholeMap(reader.output)).region == wholeMap(input);
    }
    return known > 0;
  }

  int64_t mapBytes(int layer) const {
    return alignUp(net_.layers[size_t(layer)].output.elements() * 4);
  }
  // The bytes live at every step of the group besides its own buffers: the
  // maps made before it that it or later layers read, and its output map.
  int64_t aroundBytes(const GroupSchedule &group, bool inputInGroup) const {
    const bool outputFull =
        base_.storage[size_t(group.last)].kind == StorageKind::Full && !convertsOutput(group);
    const int64_t output = outputFull ? mapBytes(group.last) : 0;
    return crossing_[size_t(group.first)] - (inputInGroup ? inputBytes_ : 0) + output;
  }
  // The bytes live at step 0, which the group holding the first layer owns.
  int64_t stepZeroBytes(int first, bool inputInGroup) const {
    return first == 1 && !inputInGroup ? inputBytes_ : 0;
  }
  // Whether the group converts the network's output region by region
  // (convertsOutputInGroup).
  bool convertsOutput(const GroupSchedule &group) const { return groupConvertsOutput(net_, group); }
  double inputConversionSeconds(int first, bool inputInGroup) const {
    return first == 1 && inputBytes_ > 0 && !inputInGroup ? convertInputSeconds_ : 0;
  }
  int64_t layerMacsOf(int first, int last) const {
    return macsBefore_[size_t(last + 1)] - macsBefore_[size_t(first)];
  }
  int64_t firstAlonePeak(int first) const { return endingAt_[size_t(first)].front().peakBytes; }

  const Network &net_;
  const LatencyProfile &profile_;
  const SearchOptions &options_;
  const LoweringOptions &lowering_;
  const ExecutionPlan &base_; // layer by layer
  const int threads_;
  std::vector<std::vector<GroupEstimate>> &endingAt_;
  const std::vector<std::vector<int>> consumers_;
  const std::vector<int64_t> crossing_;             // crossingBytes
  const std::vector<int64_t> macsBefore_;           // macsBeforeEach
  const std::vector<double> wholeCallSeconds_;      // on the threads, split where that pays
  const std::vector<double> wholeCallSecondsAlone_; // on one thread (inside a part)
  int64_t inputBytes_ = 0;                          // the input's map, when the plan converts it
  bool inputConvertible_ = false;                   // whether a group can convert it tile by tile
  double convertInputSeconds_ = 0;
  std::vector<signed char> wholeNeeded_;            // wholeNeeded, once known
  std::vector<Operation> operations_;               // lowering's, reused
  std::vector<int64_t> capacity_;                   // lowering's, reused
  std::vector<int64_t> workspace_;                  // lowering's, reused
  std::vector<std::vector<GroupEstimate>> byFirst_; // the candidates ending at a layer
};

} // namespace

llvm::Expected<ScheduleSearch> ScheduleSearch::prepare(const Network &net,
                                                       const LatencyProfile &profile,
                                                       const SearchOptions &options) {
  ScheduleSearch search(net, profile);
  search.lowering_ = threadedLowering(options.threads, profile);
  search.endingAt_.assign(net.layers.size(), {});
  if (llvm::Error error = search.preparePrimitive(ConvPrimitive::Direct, options))
    return error;
  for (ConvPrimitive primitive : options.primitives)
    if (primitive != ConvPrimitive::Direct)
      if (llvm::Error error = search.preparePrimitive(primitive, options))
        return error;
  const std::vector<std::vector<int>> consumers = net.allConsumers();
  for (const std::vector<GroupEstimate> &candidates : search.endingAt_) {
    std::vector<bool> &chain = search.chain_.emplace_back();
    for (const GroupEstimate &candidate : candidates) {
      chain.push_back(isChainCandidate(net, consumers, candidate.group));
      search.allChains_ = search.allChains_ && chain.back();
    }
  }
  return search;
}

llvm::Error ScheduleSearch::preparePrimitive(ConvPrimitive primitive,
                                             const SearchOptions &options) {
  Network &net = net_;
  const int layerCount = int(net.layers.size());
  bool applies = primitive == ConvPrimitive::Direct;
  for (int layer = 1; layer < layerCount; ++layer)
    if (net.layers[size_t(layer)].op == OpKind::Conv2d) {
      const bool here = primitiveApplies(OpSite(net, layer), primitive);
      net.layers[size_t(layer)].conv().primitive = here ? primitive : ConvPrimitive::Direct;
      applies = applies || here;
    }
  if (!applies)
    return llvm::Error::success();

  std::vector<std::vector<GroupEstimate>> endingAt(net.layers.size());
  llvm::Expected<ExecutionPlan> base = lowerSchedule(net, layerByLayer(net), lowering_);
  if (!base)
    return base.takeError();
  const std::vector<int64_t> baseLive = liveBytesPerStep(*base, layerCount);
  if (primitive == ConvPrimitive::Direct) // the output conversion is the same for every primitive
    outside_ = estimateOutsideGroups(net, *base, baseLive, *profile_);
  for (int layer = 1; layer < layerCount; ++layer) { // each layer on its own
    GroupSchedule single;
    single.first = single.last = layer;
    endingAt[size_t(layer)].push_back(estimateGroup(net, *base, baseLive, single, *profile_));
  }
  SearchOptions passOptions = options;
  if (primitive != ConvPrimitive::Direct) // a channel split's convolutions are direct
    passOptions.channelSlices.clear();
  if (options.exhaustive)
    prepareExhaustive(passOptions, endingAt);
  else
    prepareGroupByGroup(passOptions, *base, endingAt);
  // Candidates without a convolution computing with `primitive` are the
  // direct ones again.
  for (int last = 1; last < layerCount; ++last)
    for (GroupEstimate &candidate : endingAt[size_t(last)]) {
      for (int layer = candidate.group.first; layer <= last; ++layer)
        if (primitiveOf(net.layers[size_t(layer)]) != ConvPrimitive::Direct)
          candidate.primitives[layer] = primitive;
      if (primitive == ConvPrimitive::Direct || !candidate.primitives.empty())
        endingAt_[size_t(last)].push_back(std::move(candidate));
    }
  for (Layer &layer : net.layers)
    if (layer.op == OpKind::Conv2d)
      layer.conv().primitive = ConvPrimitive::Direct;
  return llvm::Error::success();
}

Network ScheduleSearch::assigned(const NetworkSchedule &schedule) const {
  Network net = net_;
  applyPrimitives(net, schedule);
  return net;
}

void ScheduleSearch::prepareExhaustive(const SearchOptions &options,
                                       std::vector<std::vector<GroupEstimate>> &endingAt) {
  const Network &net = net_;
  const int layerCount = int(net.layers.size());
  struct Evaluated {
    GroupEstimate estimate;
    FirstLayerCalls firstCalls;
  };
  // Candidates by first layer, last layer and kind (in fusedKinds order).
  std::map<std::tuple<int, int, int>, Evaluated> evaluated;
  const std::vector<std::vector<int>> consumers = net.allConsumers();
  for (int last = 2; last < layerCount; ++last) {
    for (int first = last - 1; first >= 1; --first) {
      const GroupSchedule probe{first, last, Stripes{1}};
      // A segment that cannot fuse stays so when extended downwards (a
      // non-spatial layer, or an inner result read after it, is still
      // inside).
      if (llvm::Error error = validateSchedule(withSingleGroup(net, probe), net)) {
        llvm::consumeError(std::move(error));
        break;
      }
      if (!options.branchGroups && !isChain(net, consumers, first, last))
        break;
      std::vector<GroupSchedule> kinds = fusedKinds(net, first, last, options);
      for (const GroupSchedule &split : channelKinds(net, first, last, options))
        kinds.push_back(split);
      for (size_t kind = 0; kind < kinds.size(); ++kind) {
        const GroupSchedule &group = kinds[kind];
        llvm::Expected<ExecutionPlan> plan =
            lowerSchedule(net, withSingleGroup(net, group), lowering_);
        if (!plan) {
          llvm::consumeError(plan.takeError());
          continue;
        }
        const std::vector<int64_t> live = liveBytesPerStep(*plan, layerCount);
        const bool inputInGroup = convertsInputInGroup(net, plan->schedule);
        evaluated[{first, last, int(kind)}] =
            Evaluated{estimateGroup(net, *plan, live, group, *profile_),
                      firstLayerCalls(net, plan->operations, group, inputInGroup)};
      }
    }
  }
  for (const auto &[key, candidate] : evaluated) {
    const auto [first, last, kind] = key;
    const auto rest = evaluated.find({first + 1, last, kind});
    const int64_t restPeak = rest == evaluated.end() ? 0 : rest->second.estimate.peakBytes;
    const int64_t firstAlonePeak = endingAt[size_t(first)].front().peakBytes;
    const int parts = groupParts(net, candidate.estimate.group, options.threads);
    if (!beatenBySplit(candidate.estimate, candidate.firstCalls, parts, restPeak, firstAlonePeak))
      endingAt[size_t(last)].push_back(candidate.estimate);
  }
}

// Lowers each candidate on its own, without the rest of the network
// (GroupByGroup).
void ScheduleSearch::prepareGroupByGroup(const SearchOptions &options, const ExecutionPlan &base,
                                         std::vector<std::vector<GroupEstimate>> &endingAt) {
  GroupByGroup preparation(net_, *profile_, options, lowering_, base, endingAt);
  for (int last = 2; last < int(net_.layers.size()); ++last)
    preparation.addCandidatesEndingAt(last);
}

size_t ScheduleSearch::candidateCount() const {
  size_t count = 0;
  for (const auto &candidates : endingAt_)
    count += candidates.size();
  return count;
}

std::optional<ScheduleChoice> ScheduleSearch::fastestWithin(int64_t peakLimit) const {
  std::vector<ScheduleChoice> fastest = fastestWithin(peakLimit, 1);
  if (fastest.empty())
    return std::nullopt;
  return std::move(fastest.front());
}

std::vector<ScheduleChoice> ScheduleSearch::fastestWithin(int64_t peakLimit, int count) const {
  return fastestWithin(peakLimit, count, /*chainsOnly=*/false);
}

std::vector<ScheduleChoice> ScheduleSearch::fastestWithin(int64_t peakLimit, int count,
                                                          bool chainsOnly) const {
  // best[p]: the `count` fastest ways through layers 1..p, as (seconds,
  // peak) compared lexicographically, each with the candidate that ends it
  // and the way through the layers before that candidate it continues.
  struct Partial {
    double seconds = 0;
    int64_t peak = 0;
    const GroupEstimate *last = nullptr;
    size_t before = 0; // in best[last->group.first - 1]
  };
  const size_t layerCount = net_.layers.size();
  std::vector<std::vector<Partial>> best(layerCount);
  best[0].push_back(Partial{});
  for (size_t p = 1; p < layerCount; ++p) {
    std::vector<Partial> &here = best[p];
    for (size_t c = 0; c < endingAt_[p].size(); ++c) {
      const GroupEstimate &candidate = endingAt_[p][c];
      if (candidate.peakBytes > peakLimit || (chainsOnly && !chain_[p][c]))
        continue;
      const std::vector<Partial> &before = best[size_t(candidate.group.first - 1)];
      for (size_t b = 0; b < before.size(); ++b) {
        double seconds = before[b].seconds + candidate.seconds;
        int64_t peak = std::max(before[b].peak, candidate.peakBytes);
        if (p + 1 == layerCount && !candidate.convertsOutput) { // the output conversion follows
          if (outside_.peakBytes > peakLimit)
            continue;
          seconds += outside_.seconds;
          peak = std::max(peak, outside_.peakBytes);
        }
        here.push_back(Partial{seconds, peak, &candidate, b});
      }
    }
    // Ties keep the candidates' order, so the result does not depend on the sort.
    std::stable_sort(here.begin(), here.end(), [](const Partial &a, const Partial &b) {
      return a.seconds < b.seconds || (a.seconds == b.seconds && a.peak < b.peak);
    });
    if (here.size() > size_t(count))
      here.resize(size_t(count));
  }
  std::vector<ScheduleChoice> choices;
  for (const Partial &end : best[layerCount - 1]) {
    ScheduleChoice choice;
    for (const Partial *at = &end; at->last != nullptr;
         at = &best[size_t(at->last->group.first - 1)][at->before])
      choice.groups.push_back(*at->last);
    std::reverse(choice.groups.begin(), choice.groups.end());
    choice.groups = mergeLayersRuns(choice.groups);
    for (const GroupEstimate &group : choice.groups) {
      choice.schedule.groups.push_back(group.group);
      choice.schedule.primitives.insert(group.primitives.begin(), group.primitives.end());
    }
    choice.seconds = end.seconds;
    choice.peakBytes = end.peak;
    choices.push_back(std::move(choice));
  }
  return choices;
}

llvm::Expected<std::vector<ParetoPoint>> ScheduleSearch::paretoFront() const {
  llvm::Expected<std::vector<ParetoPoint>> front = steppedFront(/*chainsOnly=*/false);
  if (!front || allChains_)
    return front;
  llvm::Expected<std::vector<ParetoPoint>> chains = steppedFront(/*chainsOnly=*/true);
  if (!chains)
    return chains.takeError();
  return mergeFronts(std::move(*front), std::move(*chains));
}

llvm::Expected<std::vector<ParetoPoint>> ScheduleSearch::steppedFront(bool chainsOnly) const {
  std::vector<ParetoPoint> front;
  // The next point must plan to at most arenaLimit; the dynamic program
  // looks for it among schedules whose peak is at most peakLimit.
  int64_t arenaLimit = std::numeric_limits<int64_t>::max();
  int64_t peakLimit = arenaLimit;
  while (true) {
    // The planned arena can exceed the peak when buffers fragment, so the
    // fastest schedule within the peak limit may not plan within the arena
    // limit: the next fastest are tried before the peak limit goes below
    // the fastest's peak, which leaves out every schedule with a peak
    // between.
    const std::vector<ScheduleChoice> fastest =
        fastestWithin(peakLimit, kSchedulesTriedPerLimit, chainsOnly);
    if (fastest.empty())
      break;
    bool found = false;
    for (const ScheduleChoice &choice : fastest) {
      llvm::Expected<ExecutionPlan> plan =
          lowerSchedule(assigned(choice.schedule), choice.schedule, lowering_);
      if (!plan)
        return plan.takeError();
      if (plan->arena.arenaBytes <= arenaLimit) {
        arenaLimit = plan->arena.arenaBytes - 1; // the next point plans smaller
        peakLimit = std::min(peakLimit, arenaLimit);
        front.push_back(ParetoPoint{choice, plan->arena.arenaBytes});
        found = true;
        break;
      }
    }
    if (!found) // none of them plans within the limit: below the fastest's peak
      peakLimit = fastest.front().peakBytes - 1;
  }
  return front;
}

ScheduleChoice describeSchedule(const Network &net, const ExecutionPlan &plan,
                                const LatencyProfile &profile) {
  ScheduleChoice choice;
  choice.schedule = plan.schedule;
  const std::vector<int64_t> live = liveBytesPerStep(plan, int(net.layers.size()));
  choice.groups = estimateGroups(net, plan, live, profile);
  const OutsideGroups outside = estimateOutsideGroups(net, plan, live, profile);
  choice.seconds = outside.seconds;
  choice.peakBytes = outside.peakBytes;
  for (const GroupEstimate &group : choice.groups) {
    choice.seconds += group.seconds;
    choice.peakBytes = std::max(choice.peakBytes, group.peakBytes);
  }
  return choice;
}

llvm::Expected<SearchOutcome> searchSchedule(const Network &net, const LatencyProfile &profile,
                                             const SearchOptions &options,
                                             std::optional<int64_t> arenaBudget) {
  llvm::Expected<ScheduleSearch> search = ScheduleSearch::prepare(net, profile, options);
  if (!search)
    return search.takeError();
  return search->outcomeWithin(arenaBudget);
}

llvm::Expected<SearchOutcome>
ScheduleSearch::outcomeWithin(std::optional<int64_t> arenaBudget) const {
  SearchOutcome outcome;
  outcome.candidates = candidateCount();
  llvm::Expected<std::vector<ParetoPoint>> pareto = paretoFront();
  if (!pareto)
    return pareto.takeError();
  outcome.pareto = std::move(*pareto);

  // The front holds, for every peak limit, the fastest schedule: the first
  // point (fastest first) whose planned arena fits is the answer.
  const ParetoPoint *chosen = nullptr;
  for (const ParetoPoint &point : outcome.pareto)
    if (!arenaBudget || point.arenaBytes <= *arenaBudget) {
      chosen = &point;
      break;
    }
  outcome.fits = chosen != nullptr;
  if (!chosen) // the smallest arena reachable, the faster one on ties
    for (const ParetoPoint &point : outcome.pareto)
      if (!chosen || point.arenaBytes < chosen->arenaBytes)
        chosen = &point;
  if (!chosen)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the search found no schedule for the network");
  outcome.choice = chosen->choice;
  llvm::Expected<ExecutionPlan> plan =
      lowerSchedule(assigned(outcome.choice.schedule), outcome.choice.schedule, lowering_);
  if (!plan)
    return plan.takeError();
  outcome.plan = std::move(*plan);
  return outcome;
}

} // namespace tessel
