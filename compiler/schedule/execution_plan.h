// A schedule lowered to what the generated code does, step by step: every
// kernel call with its literal geometry, every buffer with its size and
// lifetime, and the arena placement. Code generation only prints this; the
// memory the search reasons with is this plan's arena, the same number the
// generated code declares.
#pragma once

#include "analysis/regions.h"
#include "ir/network.h"
#include "plan/arena_planner.h"
#include "schedule/schedule.h"
#include "support/limits.h"

#include "llvm/Support/Error.h"

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
};

// A window of a layer's output map that a buffer holds during one kernel
// call: rows [y0, y0 + h) x columns [x0, x0 + w), all channels.
struct WindowRef {
  int layer = 0;
  int y0 = 0, x0 = 0, h = 0, w = 0;
  // Channels [c0, c1) of the map; every channel unless a group splits them.
  int c0 = 0, c1 = kAllChannels;

  bool allChannels() const { return c0 == 0 && c1 == kAllChannels; }
};

struct KernelCall {
  int layer = 0;
  std::vector<WindowRef> inputs; // one per layer input
  WindowRef output;
  MapRegion region; // output rows and columns computed
};

// Moves `rows` full-width rows of a row window `by` rows towards its start:
// the rows the next stripe still needs, before new rows are computed after them.
struct RowShift {
  int layer = 0;
  int by = 0;
  int rows = 0;
};

struct Operation {
  enum class Kind { ConvertInput, Kernel, ShiftRows, ConvertOutput, Comment };
  Kind kind = Kind::Kernel;
  KernelCall call;     // Kernel
  RowShift shift;      // ShiftRows
  std::string comment; // Comment: a tile or stripe heading
};

struct ExecutionPlan {
  NetworkSchedule schedule;
  std::vector<LayerStorage> storage; // one per layer
  std::vector<BufferRequest> buffers;
  ArenaPlan arena;
  std::vector<Operation> operations;
  int64_t executedMacs = 0; // what the kernel calls compute, halos included
  int64_t layerMacs = 0;    // what the `layers` schedule computes
  // Threads the generated code runs on: each large kernel call's output
  // region is split into `threads` bands computed in parallel (see
  // docs/threads.md). The bands need no memory of their own.
  int threads = 1;
};

struct LoweringOptions {
  int threads = 1; // 1 to kMaxThreads
};

// True when NCHW and HWC order the elements of `shape` identically.
bool layoutsCoincide(const Shape &shape);

// True when the schedule's first group is fused, its first layer is the only
// reader of the input, and the input needs converting to channels-last: the
// group then converts just the input region each tile or stripe reads, as
// if the input were the group's first layer, instead of the whole input up
// front.
bool convertsInputInGroup(const Network &normalized, const NetworkSchedule &schedule);

// The operations lowerSchedule emits for one fused group (without checking
// it, and without comments) when every other layer runs on its own, and the
// bytes each of its tile buffers or row windows holds, indexed by layer
// (entries of other layers are left alone). `inputInGroup` as
// convertsInputInGroup says for that schedule. Returns the MACs the
// operations execute. Lets the search lower a group without the rest of the
// network.
int64_t lowerGroupAlone(const Network &normalized, const GroupSchedule &group, bool inputInGroup,
                        std::vector<Operation> &operations, std::vector<int64_t> &capacity);

llvm::Expected<ExecutionPlan> lowerSchedule(const Network &normalized,
                                            const NetworkSchedule &schedule,
                                            const LoweringOptions &options = {});

} // namespace tessel
