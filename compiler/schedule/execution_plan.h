// A schedule lowered to what the generated code does, step by step: every
// kernel call with its literal geometry, every buffer with its size and
// lifetime, and the arena placement. Code generation only prints this; the
// memory the search reasons with is this plan's arena, the same number the
// generated code declares.
#pragma once

#include "analysis/regions.h"
#include "ir/network.h"
#include "plan/arena_planner.h"
#include "schedule/member_order.h"
#include "schedule/schedule.h"
#include "support/limits.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace tessel {

// Where a layer's output lives.
enum class StorageKind {
  Full,       // the whole map, in the arena
  TileBuffer, // one tile's region at a time (inside a tiled group)
  RowWindow,  // a rolling window of full-width rows (inside a streamed group)
  UserInput,  // the caller's input buffer, read in place (layouts coincide)
  UserOutput, // the caller's output buffer, written in place
};

struct LayerStorage {
  StorageKind kind = StorageKind::Full;
  int64_t bytes = 0; // capacity in the arena; 0 for user buffers
  int64_t offset = -1;
  int buffer = -1; // index into ExecutionPlan::buffers, -1 for user buffers
  // A group running in parts on several threads gives each thread its own
  // copy of its tile buffers or row windows, inside a space of the arena
  // that is that thread's alone while the group runs: by thread, the copy's
  // offset and the buffer (the thread's space) holding it. Thread 0's are
  // `offset` and `buffer`. Empty for every other layer.
  std::vector<int64_t> threadOffsets;
  std::vector<int> threadBuffers;
  // Scratch its kernel calls need beside their input and output (a
  // Winograd conv2d's transforms): a buffer live during the layer's step
  // only, in each thread's space when its group runs in parts. By copy
  // (KernelCall::copy): its offset in the arena and the buffer holding it
  // (one copy when not in parts; none without workspace).
  int64_t workspaceBytes = 0;
  std::vector<int64_t> workspaceOffsets;
  std::vector<int> workspaceBuffers;
};

// A window of a layer's output map that a buffer holds during one kernel
// call: rows [y0, y0 + h) x columns [x0, x0 + w), all channels.
struct WindowRef {
  int layer = 0;
  int y0 = 0, x0 = 0, h = 0, w = 0;
  // Channels [c0, c1) of the map; every channel unless a group splits them.
  int c0 = 0, c1 = kAllChannels;
  // Which thread's copy of the layer's buffer (LayerStorage::threadOffsets).
  int copy = 0;

  bool allChannels() const { return c0 == 0 && c1 == kAllChannels; }
};

struct KernelCall {
  int layer = 0;
  std::vector<WindowRef> inputs; // one per layer input
  WindowRef output;
  MapRegion region; // output rows and columns computed
  // In a channels group, the slice of the layer's channels it computes
  // (its windows of sliced maps hold just the slice's channels); whole
  // otherwise.
  ChannelSlice slice;
  // The threads computing it, one band of the region each (callBands in
  // schedule/thread_split.h); 1: whole, on the thread that reaches it.
  int threads = 1;
  // Which copy of the layer's workspace it uses (LayerStorage::workspaceOffsets).
  int copy = 0;
};

// Moves `rows` rows of a row window `by` rows towards its start: the rows
// the next stripe still needs, before new rows are computed after them.
struct RowShift {
  int layer = 0;
  int by = 0;
  int rows = 0;
  int width = 0; // columns of a row in the window
  int copy = 0;  // which thread's window (WindowRef::copy)
};

// Starts a parallel section: the operations up to the next Join run on
// `parts` threads at once, those of part p (Operation::part) on thread p,
// part after part in the list. The section belongs to the group whose
// first member is `layer` (0 when the group converts the input).
struct Fork {
  int parts = 0;
  int layer = 0;
};

struct Operation {
  enum class Kind {
    ConvertInput,
    Kernel,
    ShiftRows,
    ConvertOutput,
    ConvertOutputRegion,
    Comment,
    Fork,
    Join
  };
  Kind kind = Kind::Kernel;
  // Kernel; ConvertOutputRegion: `region` of the output map, read from the
  // window inputs[0], written to the caller's NCHW output (call.layer is the
  // output layer, `output` unused).
  KernelCall call;
  RowShift shift;      // ShiftRows
  std::string comment; // Comment: a tile or stripe heading
  // Comment: the heading of a stripe, whose operations (up to the next
  // heading) code generation may fold with the like stripes after it into
  // a loop (codegen/block_folding.h).
  bool opensStripe = false;
  Fork fork;     // Fork
  int part = -1; // inside a parallel section: the part it belongs to
};

struct ExecutionPlan {
  NetworkSchedule schedule;
  std::vector<LayerStorage> storage; // one per layer
  std::vector<BufferRequest> buffers;
  ArenaPlan arena;
  std::vector<Operation> operations;
  // By group of the schedule: the order its layers run in within a tile
  // (chooseMemberOrder; layer order but for tile groups spanning branches).
  std::vector<MemberOrder> memberOrders;
  int64_t executedMacs = 0; // what the kernel calls compute, halos included
  int64_t layerMacs = 0;    // what the `layers` schedule computes
  // Threads the generated code runs on (docs/threads.md): groups running
  // in parts form parallel sections (Fork ... Join), and kernel calls
  // outside them may be split into bands (KernelCall::threads).
  int threads = 1;
};

struct LoweringOptions {
  int threads = 1; // 1 to kMaxThreads
  // How many threads a kernel call outside a parallel section is split
  // across (1 or `threads`): the latency model says where a split pays for
  // its fork and join (search/latency_model.h, threadedLowering). Unset: no
  // call is split.
  std::function<int(const Network &, const KernelCall &)> callThreads;
};

// What the call computes: its layer, or the layer as its slice computes it
// (sliceLayer), and that layer's index there.
struct CalledLayer {
  const Network *whole;
  Network sliced; // without layers for a whole call
  int layer;

  const Network &network() const { return sliced.layers.empty() ? *whole : sliced; }
};
CalledLayer calledLayer(const Network &normalized, const KernelCall &call);

// The MACs the call executes.
int64_t callMacs(const Network &normalized, const KernelCall &call);

// True when NCHW and HWC order the elements of `shape` identically.
bool layoutsCoincide(const Shape &shape);

// True when the schedule's first group is fused, its first layer is the only
// reader of the input, and the input needs converting to channels-last: the
// group then converts just the input region each tile or stripe reads, as
// if the input were the group's first layer, instead of the whole input up
// front.
bool convertsInputInGroup(const Network &normalized, const NetworkSchedule &schedule);

// True when the schedule's last group is fused (tiles or a stream), ends at
// the network's output, and the output needs converting to NCHW: the output
// layer then writes each tile or stripe into a tile buffer or row window,
// converted into the caller's output region by region, so no output-sized
// buffer exists in the arena.
bool convertsOutputInGroup(const Network &normalized, const NetworkSchedule &schedule);
// The same rule for one group, as the schedule's last.
bool groupConvertsOutput(const Network &normalized, const GroupSchedule &group);

// How a fused group holds the network's ends (convertsInputInGroup,
// convertsOutputInGroup): whether it converts the input, and the output,
// region by region.
struct GroupEnds {
  bool input = false;
  bool output = false;
};

// The operations lowerSchedule emits for one fused group (without checking
// it, and without comments) when every other layer runs on its own, and the
// bytes each of its tile buffers or row windows holds, indexed by layer
// (entries of other layers are left alone). `ends` as convertsInputInGroup
// and convertsOutputInGroup say for that schedule. Returns the MACs the
// operations execute. Lets the search lower a group without the rest of the
// network.
// `workspace` gets the bytes of scratch each layer's calls need, likewise.
int64_t lowerGroupAlone(const Network &normalized, const GroupSchedule &group, GroupEnds ends,
                        const LoweringOptions &options, std::vector<Operation> &operations,
                        std::vector<int64_t> &capacity, std::vector<int64_t> &workspace);

// The steps during which the buffer a fused group holds `member`'s output
// in is live on one thread: a tile buffer from its layer's step to its last
// reader's (tiles carry nothing over; the network output's, converted as
// soon as it is written, at its own step only), a row window throughout
// the group. Steps as `order` gives them (chooseMemberOrder).
struct StepRange {
  int first = 0, last = 0;
};
StepRange ownBufferSteps(const Network &normalized, const GroupSchedule &fused, int member,
                         const MemberOrder &order);

HeldMembers heldMembers(const GroupSchedule &fused, GroupEnds ends);

// The order the group's layers run in: chooseMemberOrder for the buffers
// `capacity` and scratch `workspace` (by layer) lowering gave it.
MemberOrder memberOrderOf(const Network &normalized, const GroupSchedule &fused, GroupEnds ends,
                          const std::vector<int64_t> &capacity,
                          const std::vector<int64_t> &workspace);

// One thread's space in a group running in parts: the group's buffers of
// members `held` (`capacity` indexed by layer), then the workspaces of its
// layers that need one (`workspace`, by layer, live at their own step),
// placed by the planner with their one-thread lifetimes, the layers run in
// `order`. Each thread gets a space of this size, live throughout the
// group, since the threads run at once.
ArenaPlan planThreadSpace(const Network &normalized, const GroupSchedule &fused, HeldMembers held,
                          const MemberOrder &order, const std::vector<int64_t> &capacity,
                          const std::vector<int64_t> &workspace);

llvm::Expected<ExecutionPlan> lowerSchedule(const Network &normalized,
                                            const NetworkSchedule &schedule,
                                            const LoweringOptions &options = {});

} // namespace tessel
