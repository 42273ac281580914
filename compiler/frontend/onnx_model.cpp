#include "frontend/onnx_model.h"

#include "support/bounded_file.h"
#include "support/diagnostic.h"
#include "support/limits.h"

#include <google/protobuf/io/coded_stream.h>

#include <fmt/format.h>

#include <cstring>

namespace tessel::onnx_import {
namespace {

// Protobuf messages cannot be larger; models above it keep their weights in
// external files, which tessel does not read.
constexpr int64_t kMaxModelBytes = (int64_t(1) << 31) - 1;

llvm::Error problem(std::string text) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), text);
}

// Copies `count` little-endian values of type T out of raw_data.
template <typename T, typename Out>
bool readRaw(const std::string &raw, int64_t count, std::vector<Out> &out) {
  if (int64_t(raw.size()) != count * int64_t(sizeof(T)))
    return false;
  out.resize(size_t(count));
  for (int64_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, raw.data() + i * int64_t(sizeof(T)), sizeof(T));
    out[size_t(i)] = Out(value);
  }
  return true;
}

} // namespace

int64_t ConstantTensor::elements() const {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

llvm::Expected<onnx::ModelProto> readModel(const std::string &path) {
  llvm::ErrorOr<BoundedFile> file = readBoundedFile(path, uint64_t(kMaxModelBytes));
  if (!file)
    return makeDiagnostic(SourceLoc{path}, "",
                          fmt::format("cannot read the ONNX model: {}", file.getError().message()));
  if (file->tooLong())
    return makeDiagnostic(SourceLoc{path}, "",
                          fmt::format("the ONNX model is over protobuf's limit of {} bytes: it has "
                                      "{}",
                                      kMaxModelBytes, file->describeSize()));
  const llvm::StringRef bytes = file->contents->getBuffer();
  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t *>(bytes.data()),
                                                int(bytes.size()));
  stream.SetTotalBytesLimit(int(kMaxModelBytes));
  onnx::ModelProto model;
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return makeDiagnostic(SourceLoc{path}, "",
                          "not a valid ONNX model: the protobuf does not parse (truncated or not "
                          "an ONNX file)");
  if (!model.has_graph())
    return makeDiagnostic(SourceLoc{path}, "", "the ONNX model has no graph");
  return model;
}

llvm::Expected<ConstantTensor> readTensor(const onnx::TensorProto &tensor) {
  ConstantTensor result;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || dim > kMaxTensorElements)
      return problem(fmt::format("dimension {} is out of range", dim));
    result.dims.push_back(dim);
    count = limitedProduct({count, dim});
  }
  if (count > kMaxTensorElements)
    return problem(fmt::format("more than {} elements", kMaxTensorElements));
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return problem("its data is in an external file, which tessel does not read; save the model "
                   "with its weights inside");
  const std::string &raw = tensor.raw_data();
  const bool hasRaw = tensor.has_raw_data();
  bool sizeMatches = false;
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    sizeMatches =
        hasRaw ? readRaw<float>(raw, count, result.floats) : tensor.float_data_size() == count;
    if (!hasRaw && sizeMatches)
      result.floats.assign(tensor.float_data().begin(), tensor.float_data().end());
    break;
  case onnx::TensorProto::DOUBLE:
    sizeMatches =
        hasRaw ? readRaw<double>(raw, count, result.floats) : tensor.double_data_size() == count;
    if (!hasRaw && sizeMatches)
      for (double value : tensor.double_data())
        result.floats.push_back(float(value));
    break;
  case onnx::TensorProto::INT64:
    result.integer = true;
    sizeMatches =
        hasRaw ? readRaw<int64_t>(raw, count, result.integers) : tensor.int64_data_size() == count;
    if (!hasRaw && sizeMatches)
      result.integers.assign(tensor.int64_data().begin(), tensor.int64_data().end());
    break;
  case onnx::TensorProto::INT32:
    result.integer = true;
    sizeMatches =
        hasRaw ? readRaw<int32_t>(raw, count, result.integers) : tensor.int32_data_size() == count;
    if (!hasRaw && sizeMatches)
      result.integers.assign(tensor.int32_data().begin(), tensor.int32_data().end());
    break;
  default:
    return problem(fmt::format(
        "its data type ({}) is not float, double, int32 or int64",
        onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(tensor.data_type()))));
  }
  if (!sizeMatches)
    return problem(fmt::format("it holds a different number of values than its dimensions "
                               "({}) say",
                               count));
  return result;
}

std::optional<int64_t> defaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return std::nullopt;
}

} // namespace tessel::onnx_import
