#include "onnx_cases.h"

#include "frontend/onnx_model.h"

#include "llvm/Support/Error.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace onnx_cases {
namespace {

namespace fs = std::filesystem;
using tessel::onnx_import::ConstantTensor;

template <typename Message> bool readMessage(const fs::path &path, Message &message) {
  std::ifstream in(path, std::ios::binary);
  return in.good() && message.ParseFromIstream(&in);
}

std::optional<ConstantTensor> floats(const onnx::TensorProto &tensor, std::string &problem) {
  llvm::Expected<ConstantTensor> read = tessel::onnx_import::readTensor(tensor);
  if (!read) {
    problem = llvm::toString(read.takeError());
    return std::nullopt;
  }
  if (read->integer) {
    problem = "its data is not float";
    return std::nullopt;
  }
  return std::move(*read);
}

void setBatchOne(onnx::ValueInfoProto &value) {
  onnx::TensorShapeProto *shape = value.mutable_type()->mutable_tensor_type()->mutable_shape();
  if (shape->dim_size() > 0)
    shape->mutable_dim(0)->set_dim_value(1);
}

// Splits a tensor of batch `batch` into `batch` images.
std::vector<std::vector<float>> images(const ConstantTensor &tensor, int64_t batch) {
  std::vector<std::vector<float>> result;
  const size_t size = tensor.floats.size() / size_t(batch);
  for (int64_t n = 0; n < batch; ++n)
    result.emplace_back(tensor.floats.begin() + int64_t(size) * n,
                        tensor.floats.begin() + int64_t(size) * (n + 1));
  return result;
}

std::optional<PreparedCase> prepare(const fs::path &dir, const std::string &name,
                                    const std::string &work) {
  onnx::ModelProto model;
  PreparedCase prepared;
  prepared.name = name;
  if (!readMessage(dir / "model.onnx", model))
    return std::nullopt;
  // Cases of the supported operators: every node one of them or one the
  // importer folds at compile time.
  static const std::vector<std::string> folded = {"Constant", "Shape", "Gather", "Unsqueeze",
                                                  "Squeeze",  "Cast",  "Sub",    "Div"};
  for (const onnx::NodeProto &node : model.graph().node()) {
    const bool supported =
        std::count(supportedOperators().begin(), supportedOperators().end(), node.op_type()) > 0;
    if (!supported && !std::count(folded.begin(), folded.end(), node.op_type()))
      return std::nullopt;
    if (prepared.op.empty() && supported)
      prepared.op = node.op_type();
  }
  if (prepared.op.empty())
    return std::nullopt;

  const fs::path data = dir / "test_data_set_0";
  onnx::GraphProto &graph = *model.mutable_graph();
  std::vector<std::string> initializers;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers.push_back(tensor.name());
  std::vector<onnx::ValueInfoProto> inputs;
  for (const onnx::ValueInfoProto &input : graph.input())
    if (!std::count(initializers.begin(), initializers.end(), input.name()))
      inputs.push_back(input);
  if (inputs.empty()) {
    prepared.problem = "the case has no input";
    return prepared;
  }
  // Inputs after the first (weights, shapes, scales) become initializers.
  std::vector<onnx::TensorProto> bound;
  for (size_t i = 1; i < inputs.size(); ++i) {
    onnx::TensorProto tensor;
    if (!readMessage(data / ("input_" + std::to_string(i) + ".pb"), tensor)) {
      prepared.problem = "cannot read input " + std::to_string(i);
      return prepared;
    }
    tensor.set_name(inputs[i].name());
    bound.push_back(tensor);
  }
  graph.clear_input();
  *graph.add_input() = inputs[0];
  for (const onnx::TensorProto &tensor : bound)
    *graph.add_initializer() = tensor;

  onnx::TensorProto input, output;
  if (!readMessage(data / "input_0.pb", input) || !readMessage(data / "output_0.pb", output)) {
    prepared.problem = "cannot read the test data";
    return prepared;
  }
  std::optional<ConstantTensor> in = floats(input, prepared.problem);
  std::optional<ConstantTensor> out = in ? floats(output, prepared.problem) : std::nullopt;
  if (!in || !out) {
    prepared.problem = "the image or output is not float: " + prepared.problem;
    return prepared;
  }
  // A graph of element-wise operators computes the same values in the same
  // order on a 3-D tensor [A, B, C] as on the image [1, A, B, C].
  static const std::vector<std::string> elementwise = {
      "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Clip", "Dropout", "Identity"};
  const bool allElementwise =
      std::all_of(graph.node().begin(), graph.node().end(), [&](const onnx::NodeProto &node) {
        return std::count(elementwise.begin(), elementwise.end(), node.op_type()) > 0;
      });
  if (allElementwise && in->dims.size() == 3 && out->dims == in->dims) {
    for (onnx::ValueInfoProto *value : {graph.mutable_input(0), graph.mutable_output(0)}) {
      onnx::TensorShapeProto *shape = value->mutable_type()->mutable_tensor_type()->mutable_shape();
      *shape->add_dim() = shape->dim(2);
      for (int d = 2; d > 0; --d)
        *shape->mutable_dim(d) = shape->dim(d - 1);
      shape->mutable_dim(0)->set_dim_value(1);
    }
    graph.clear_value_info();
  }
  // A batch of N images is run as N images of batch 1 when the output has
  // the same batch.
  int64_t batch = 1;
  if (!in->dims.empty() && !out->dims.empty() && in->dims[0] > 1 && in->dims[0] == out->dims[0] &&
      (in->dims.size() == 4 || in->dims.size() == 2)) {
    batch = in->dims[0];
    setBatchOne(*graph.mutable_input(0));
    for (onnx::ValueInfoProto &value : *graph.mutable_output())
      setBatchOne(value);
    graph.clear_value_info();
  }
  prepared.inputs = images(*in, batch);
  prepared.expected = images(*out, batch);

  std::string file = name;
  std::replace(file.begin(), file.end(), '/', '_');
  prepared.model = work + "/" + file + ".onnx";
  std::ofstream(prepared.model, std::ios::binary) << model.SerializeAsString();
  return prepared;
}

} // namespace

const std::vector<std::string> &supportedOperators() {
  static const std::vector<std::string> operators = {"Conv",
                                                     "BatchNormalization",
                                                     "Relu",
                                                     "LeakyRelu",
                                                     "Clip",
                                                     "Sigmoid",
                                                     "HardSigmoid",
                                                     "HardSwish",
                                                     "Mul",
                                                     "Add",
                                                     "MaxPool",
                                                     "AveragePool",
                                                     "GlobalAveragePool",
                                                     "Gemm",
                                                     "MatMul",
                                                     "Flatten",
                                                     "Reshape",
                                                     "Concat",
                                                     "Softmax",
                                                     "Resize",
                                                     "Upsample",
                                                     "Pad",
                                                     "Dropout",
                                                     "Identity"};
  return operators;
}

std::vector<PreparedCase> prepareCases(const std::string &root, const std::string &work) {
  std::vector<PreparedCase> cases;
  for (const char *suite : {"node", "pytorch-converted", "pytorch-operator"}) {
    std::vector<fs::path> dirs;
    for (const fs::directory_entry &entry : fs::directory_iterator(fs::path(root) / suite))
      if (entry.is_directory())
        dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path &dir : dirs)
      if (std::optional<PreparedCase> prepared =
              prepare(dir, std::string(suite) + "/" + dir.filename().string(), work))
        cases.push_back(std::move(*prepared));
  }
  return cases;
}

} // namespace onnx_cases
