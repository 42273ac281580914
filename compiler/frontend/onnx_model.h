// Reading an ONNX model file (the protobuf, from Debian's libonnx-dev) and
// its tensors as plain arrays. docs/onnx.md says what the importer supports.
#pragma once

#include <onnx/onnx_pb.h>

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tessel::onnx_import {

// A tensor known when compiling: an initializer, a Constant node's value, or
// one folded from a shape computation. Float tensors keep their values in
// `floats`; integer ones (shapes, axes, indices) in `integers`.
struct ConstantTensor {
  std::vector<int64_t> dims;
  bool integer = false;
  std::vector<float> floats;
  std::vector<int64_t> integers;

  int64_t elements() const;
  // The value at `index` whatever the type.
  double at(int64_t index) const {
    return integer ? double(integers[size_t(index)]) : floats[size_t(index)];
  }
};

// Reads and parses the model at `path` (at most 2 GiB, protobuf's limit).
llvm::Expected<onnx::ModelProto> readModel(const std::string &path);

// The tensor's values, or what stops tessel from reading them (a data type
// other than float, int32 or int64, external data, a size that does not
// match the dimensions).
llvm::Expected<ConstantTensor> readTensor(const onnx::TensorProto &tensor);

// The default-domain operator set the model imports, if it does.
std::optional<int64_t> defaultOpset(const onnx::ModelProto &model);

} // namespace tessel::onnx_import
