// The ONNX frontend's entry point: a .onnx model in, a checked IR with shapes
// and the model's weights out. docs/onnx.md says what it supports.
#pragma once

#include "frontend/load_network.h"

namespace tessel {

// Whether `path` names an ONNX model rather than a YAML description.
bool isOnnxModel(const std::string &path);

// Like loadNetwork, for a .onnx model; the initializers are the weights.
llvm::Expected<Network> loadOnnxNetwork(const std::string &path, const LoadOptions &options);

} // namespace tessel
