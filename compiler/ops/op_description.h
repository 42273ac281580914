// Everything the compiler knows about one op, in one record: how a network
// description spells it and its attributes, how many inputs it takes, its
// shape rule, its parameters, what computing part of its output reads (the
// region rule), what it costs, and how generated code calls its kernel.
//
// Each op's record is written in its own file (ops/conv2d.cpp, ...);
// ops/op_table.cpp lists them. Adding an op means: its record, its reference
// function (reference/), its runtime kernel (runtime/include/tessel/), and
// its tests. docs/adding-an-op.md walks through it.
#pragma once

#include "ir/map_region.h"
#include "ir/network.h"
#include "ir/parameters.h"
#include "ops/kernel_class.h"
#include "ops/op_site.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tessel {

class AttributeMap;

// A name a description may give in `op:`, and the keys a layer of that
// spelling may have besides name, op and inputs. Most ops have one; the
// stand-alone activations share OpKind::Activation.
struct OpSpelling {
  llvm::StringRef name;
  std::vector<llvm::StringRef> attributes;
};

enum class InputCount { None, One, TwoOrMore };

// How a layer's weight tensor is laid out for its kernel
// (codegen/weight_packing.h).
enum class WeightPacking { None, ConvBlocked, DepthwiseTaps, DenseChannelsLast };

// Whether a kernel call may write its output over one of its inputs' whole
// map, in the same buffer from the same address (the planner's
// BufferRequest::overwrites; docs/schedules.md, "Memory accounting").
enum class InPlace {
  Never,
  // Each output cell reads only the same cell of that input: safe for any
  // region and any split across threads.
  CellByCell,
  // One call computing the whole map in row-major order on one thread never
  // writes a cell that a later output still reads (a pool whose windows
  // never reach back before the cell it writes).
  InOrder,
};

// One field of a kernel's parameter struct, as generated code sets it.
struct ParamsField {
  llvm::StringRef name; // the runtime struct's member
  std::string value;    // a C++ literal
};

// A constant of a runtime parameter struct (tessel::Conv2dParams, ...).
struct KernelParams {
  llvm::StringRef type;
  std::vector<ParamsField> fields; // every member, in the struct's order
};

// The parts of one kernel call as C++ expressions, filled in by code
// generation for the op's `emitCall`.
struct CallPieces {
  explicit CallPieces(const OpSite &site) : site(site) {}

  const OpSite &site;
  std::vector<std::string> inputViews;   // tessel::ConstMapView{...}, one per input
  std::vector<std::string> inputTensors; // "t3": the pointer to each input's storage
  std::string outputView;                // tessel::MapView{...}
  std::string outputTensor;
  std::string region;     // tessel::Region{...}: what the call computes
  std::string params;     // the layer's KernelParams constant ("kLayer3")
  std::string weights;    // "w + 123", or "nullptr"
  std::string bias;       // likewise
  std::string activation; // the epilogue: "tessel::Act::Leaky"
  std::string alpha;      // its slope literal
  std::string workspace;  // the call's scratch (conv2d's Winograd), or "nullptr"
  // conv2d: add to the sums the output holds (a channels group's slice of
  // the input channels after the first), without the bias.
  bool accumulates = false;
  std::string indent; // before every line but the first
};

// Each op's file sets the fields that differ from the defaults by name:
// without attributes, parameters, weights or a parameter struct, counting no
// operations (ops/common_rules.h). The shape rule and kernel class have no
// default.
struct OpDescription {
  OpDescription(OpKind kind, llvm::StringRef name);

  OpKind kind;
  llvm::StringRef name; // as messages, reports and generated comments print it
  std::vector<OpSpelling> spellings;
  InputCount inputs = InputCount::One;
  // A stand-alone activation that follows it may run as its epilogue
  // (normalize attaches it).
  bool fusesActivation = false;
  // Its kernel computes any region of its output, so a call can be split
  // into bands run by several threads (schedule/thread_split.h).
  bool splitsAcrossThreads = false;

  // Reads a layer of spelling `spelling` into layers.front() (name, op and
  // inputs are read already); may append layers the entry also stands for
  // (conv2d's `batch_norm: true`). Throws ParseError.
  void (*parse)(const AttributeMap &attrs, llvm::StringRef spelling,
                std::vector<Layer> &layers) = nullptr;
  // Checks the attributes against the inputs' shapes (which are inferred)
  // and returns the output shape; may resolve attributes.
  llvm::Expected<Shape> (*inferShape)(ShapeSite &site) = nullptr;
  // The parameter tensors, in weights-file order. Needs inferred shapes.
  std::vector<ParameterTensor> (*parameters)(const OpSite &site) = nullptr;
  // What computing `output` (inside the output map) reads from input
  // `inputIndex`. nullptr: any part of the output needs the whole input
  // map, so the op cannot be tiled or streamed.
  InputNeed (*inputNeed)(const OpSite &site, int inputIndex, const MapRegion &output) = nullptr;
  // Multiply-accumulates (or elementary operations) of the whole output
  // (analysis/layer_costs.h).
  int64_t (*macs)(const OpSite &site) = nullptr;
  KernelClass (*kernelClass)(const OpSite &site) = nullptr;
  // Whether the output may be written over input `inputIndex`'s map.
  // nullptr: never.
  InPlace (*inPlace)(const OpSite &site, int inputIndex) = nullptr;
  WeightPacking (*weightPacking)(const OpSite &site) = nullptr;
  // The constant the kernel takes, if any.
  std::optional<KernelParams> (*kernelParams)(const OpSite &site) = nullptr;
  // The statement(s) of one call, without the first line's indent.
  std::string (*emitCall)(const CallPieces &call) = nullptr;
};

} // namespace tessel
