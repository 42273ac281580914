// The C++ that runs one layer: its constant kernel parameters and the
// kernel call. Every schedule emits its layers through these functions, so
// all schedules call the same kernels with the same arguments but for the
// buffers and the region computed.
#pragma once

#include "codegen/weight_packing.h"
#include "ir/network.h"
#include "schedule/execution_plan.h"

#include <string>
#include <vector>

namespace tessel {

// The C++ name of the pointer to layer `layer`'s storage ("t3"), or to
// thread `copy`'s copy of it in a group running in parts ("t3_1"; thread
// 0's is "t3").
std::string tensorName(int layer, int copy = 0);

// Name of the constant holding the layer's kernel parameters ("kLayer3"):
// from the index, as layer names may collide once made identifiers.
std::string paramsName(int layer);

// Definition of that constant, or "" for layers whose kernel takes none.
std::string emitLayerParams(const Network &net, int layer);

// The constant of the layer as a channel slice computes it (sliceLayer):
// "kLayer3_32" (output channels from 32), "kLayer5_in32" (input channels).
std::string paramsName(int layer, const ChannelSlice &slice);
std::string emitSliceParams(const Network &net, int layer, const ChannelSlice &slice);

// "s3", "s3_1": the pointer to a layer's workspace (copy as KernelCall::copy).
std::string workspaceName(int layer, int copy = 0);

// The statement(s) that run `call`, with `indent` before every line; the
// layer's workspace (workspaceName) when `hasWorkspace`.
std::string emitLayerCall(const Network &net, const WeightBlob &weights, const KernelCall &call,
                          bool hasWorkspace, const std::string &indent);

// The statement that converts a region of the output map from its window
// into the caller's NCHW output (Operation::Kind::ConvertOutputRegion).
std::string emitOutputConversion(const Network &net, const KernelCall &conversion,
                                 const std::string &indent);

} // namespace tessel
