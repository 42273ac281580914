// A network schedule: the layers cut into groups, each run one way.
//
//   layers       every tensor of the group materialized, layer after layer
//   tile RxC     a balanced R x C grid over the group's output; each tile is
//                traced back through the group and computed through all its
//                layers from exactly the input region it needs (halos are
//                recomputed by neighbouring tiles)
//   stream H     full-width stripes of H output rows; every layer computes
//                its rows just before its consumer reads them and keeps a
//                rolling window of the rows its consumer still needs, so no
//                row is computed twice
//   stream HxB   the same over B column bands, one after another, with
//                windows a band wide (halo columns computed by both bands)
//   channels N   FDT's fused depthwise tiling: in each run of layers that
//                makes channels with a convolution, passes them through
//                channel-wise layers (depthwise convolutions, pools,
//                activations) and sums them with a 1x1 convolution (an
//                inverted-residual block's expand, depthwise and project),
//                the channels are cut into N slices, each run through the
//                run before the next, the 1x1 convolution adding each
//                slice's part to its sums: no map inside the run ever holds
//                every channel. `tile RxC+channels N` does so in each tile
//                of a grid over the group, whose other layers run as tiles
//
// A tile, stream or channels group may span branches: every layer but the
// last may have several readers, all inside the group (a residual block
// with its add, the branches of a concat).
//
// On several threads (--threads N) a tile or stream group runs in parts by
// default: each thread takes whole tiles (or a column band of the stream)
// through the whole group with buffers of its own, and the threads join
// once, at the group's end. `/split` runs the tiles or stripes one after
// another instead and splits each large kernel call across the threads,
// which needs no memory of its own (docs/threads.md).
//
// Each conv2d computes with a primitive (ops/conv_primitives.h): `direct`
// unless the schedule names another for it, whatever group it is in.
//
// Text form, for users and tests (layer numbers as `tessel info` prints
// them, the input not counted; ranges inclusive; layers not named run as
// `layers`, with `direct` convolutions), the primitives after a `;`:
//   "0-7:tile5x5, 8-15:stream4"     "3:layers, 4-9:tile2x3/split, 10-15:stream1x4"
//   "0-15:layers; winograd4: 2-5, 9; winograd2: 11"
//   "0-7:stream2; winograd4: all"   (every conv2d the primitive applies to)
#pragma once

#include "ir/channel_slice.h"
#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace tessel {

// The ways a group runs, one type per kind with that kind's parameters.
// Code that treats kinds differently visits GroupWay (support/overloaded.h),
// so a new kind does not compile until every such place handles it.
// How a tile or stream group uses the generated code's threads.
enum class ThreadUse {
  Parts, // each thread runs whole tiles (or a column band of the stream), with its own buffers
  Split, // the tiles or stripes in turn, each large kernel call split across the threads: `/split`
};

struct LayerByLayer {}; // `layers`
struct TileGrid {       // `tile RxC`
  int rows = 1, cols = 1;
  ThreadUse threads = ThreadUse::Parts;
};
struct Stripes { // `stream H`, `stream HxB`
  int rows = 1;  // output rows per stripe
  ThreadUse threads = ThreadUse::Parts;
  // Column bands streamed one after another, each top to bottom with its
  // own (narrower) windows; the columns their receptive fields share are
  // computed by both neighbours. On several threads, each thread's band is
  // cut into this many.
  int bands = 1;
};
struct ChannelSplit {     // `channels N`, `tile RxC+channels N`
  int slices = 2;         // of the channels of each sliced run
  int rows = 1, cols = 1; // the tile grid
};
using GroupWay = std::variant<LayerByLayer, TileGrid, Stripes, ChannelSplit>;

struct GroupSchedule {
  int first = 1; // normalized layer indices (layer 0 is the input), inclusive
  int last = 1;
  GroupWay way;

  // Whether the group's layers run interleaved during its steps (a part of
  // each map at a time) rather than one whole map after another.
  bool fused() const;
};

struct NetworkSchedule {
  std::vector<GroupSchedule> groups; // consecutive, covering layers 1..N-1
  // The conv2d layers that do not compute with `direct`, by normalized
  // index.
  std::map<int, ConvPrimitive> primitives;

  ConvPrimitive primitiveOf(int layer) const;
};

// Every layer in one `layers` group, each conv2d with the primitive the
// network's layer has (primitivesOf).
NetworkSchedule layerByLayer(const Network &normalized);

// The primitives the network's conv2d layers have, as NetworkSchedule::primitives.
std::map<int, ConvPrimitive> primitivesOf(const Network &normalized);

// Parses the text form and checks it against the network: ranges in order
// and inside the network, fused groups are spatial layers whose inner
// results nothing after the group reads, channels groups have a run to
// slice (slicedRuns), grids no larger than the group's output.
llvm::Expected<NetworkSchedule> parseSchedule(const std::string &text, const Network &normalized);

// Checks a schedule built in code by the same rules.
llvm::Error validateSchedule(const NetworkSchedule &schedule, const Network &normalized);

// Sets every conv2d layer's primitive to the schedule's (ConvAttrs::primitive):
// what lowering, code generation and the latency model read. lowerSchedule
// refuses a network whose primitives differ from its schedule's.
void applyPrimitives(Network &normalized, const NetworkSchedule &schedule);
bool primitivesApplied(const Network &normalized, const NetworkSchedule &schedule);

// The runs of layers a channels group slices (first and last layer of
// each, in order): a convolution with one group whose output only the next
// layer reads, channel-wise layers each read only by the next, and a 1x1
// convolution with one group, all inside first..last. Runs with channel-wise
// layers are taken before two-layer ones they overlap (a block's project
// and the next block's expand).
struct SlicedRun {
  int first = 0, last = 0;
};
std::vector<SlicedRun> slicedRuns(const Network &normalized, int first, int last);

// Why layers first..last have no run a channels group can slice: the
// first layer and the rule it breaks when they are a chain, else what a
// run is.
std::string noSlicedRunReason(const Network &normalized, int first, int last);

// Channels per unit of a slice: in a run of at least two units, slices
// start at multiples of 16 channels, so every slice but the last fills
// whole SIMD blocks (16 channels on AVX and NEON, half a block with
// AVX-512); a slice of another width runs its kernels on a partial block
// and tails of 8 and 4 channels.
constexpr int kSliceChannelUnit = 16;

// `slices` balanced slices of `channels` channels: of whole units of
// kSliceChannelUnit (balancedSplit of the units), the last taking the
// remainder, and at most one per unit; in fewer than two units' channels,
// of any width, at most one per channel.
std::vector<ChannelSlice> channelSlices(int channels, int slices);

// The slices of a run: channelSlices of its first layer's output channels.
std::vector<ChannelSlice> runSlices(const Network &normalized, const SlicedRun &run, int slices);

// One group's way of running: "layers", "tile5x5", "stream4/split".
std::string groupKindText(const GroupSchedule &group);

// The kind alone: "layers", "tile", "stream", "channels".
const char *groupKindName(const GroupSchedule &group);

// The canonical text form, covering every layer: "0-7:tile5x5, 8-15:layers",
// then any primitives but `direct`: "; winograd4: 2-5, 9".
std::string formatSchedule(const NetworkSchedule &schedule);

} // namespace tessel
