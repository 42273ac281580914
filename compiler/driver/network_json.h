// The network as JSON, for tools that rebuild it elsewhere (`tessel info
// --json`; bench/ exports it to ONNX this way).
#pragma once

#include "ir/network.h"

#include "llvm/Support/JSON.h"

namespace tessel::driver {

// The network as loaded: every layer of the description in order, the
// `batch_norm: true` shorthand expanded into its `.bn` layer and nothing
// folded, so layer i and its parameters are those of the weights file
// (docs/network-format.md). Each layer gives its op, the names of its
// inputs, its output shape [C, H, W], its activation, its attributes with
// defaults filled in and `padding: same` resolved to [top, left, bottom,
// right], and its parameter tensors: role, dims and offset, the index of
// the tensor's first float in the weights file.
llvm::json::Value networkJson(const Network &network);

} // namespace tessel::driver
