// Translating an ONNX graph into tessel's IR: which layers each node
// becomes, constants folded, shapes inferred as the layers are added.
// docs/onnx.md lists the supported operators and attributes.
#pragma once

#include "frontend/load_network.h"
#include "frontend/onnx_model.h"
#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <string>

namespace tessel::onnx_import {

// `fileName` names the model in diagnostics; the network is named after it.
// The network comes back with shapes and weights (from the initializers).
llvm::Expected<Network> translateGraph(const onnx::ModelProto &model, const std::string &fileName,
                                       const LoadOptions &options);

} // namespace tessel::onnx_import
