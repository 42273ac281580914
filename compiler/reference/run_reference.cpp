// Walks the layers in order, hands each op its input tensors, then applies
// the layer's activation and rounds to float.
#include "reference/run_reference.h"

#include "reference/activation.h"
#include "reference/ops.h"
#include "reference/require.h"
#include "reference/tensor.h"

namespace tessel {

namespace {

using namespace reference;

std::vector<double> runOp(const Layer &layer, const std::vector<const Tensor *> &inputs) {
  const bool variadic = layer.op == OpKind::Add || layer.op == OpKind::Concat ||
                        layer.op == OpKind::FlattenConcat;
  const size_t expected = layer.op == OpKind::Multiply ? 2 : 1;
  require(variadic ? !inputs.empty() : inputs.size() == expected, layer, "has {} inputs",
          inputs.size());
  const Tensor &first = *inputs.front();
  switch (layer.op) {
  case OpKind::Conv2d: return conv2d(layer, first);
  case OpKind::BatchNorm: return batchNorm(layer, first);
  case OpKind::Activation:
    // The op is its activation, which the caller applies.
    require(layer.output == first.shape, layer, "output shape differs from input shape");
    return std::vector<double>(first.values.begin(), first.values.end());
  case OpKind::MaxPool: return maxPool(layer, first);
  case OpKind::AvgPool: return avgPool(layer, first);
  case OpKind::GlobalAvgPool: return globalAvgPool(layer, first);
  case OpKind::FullyConnected: return fullyConnected(layer, first);
  case OpKind::Add: return add(layer, inputs);
  case OpKind::Concat: return concat(layer, inputs);
  case OpKind::Softmax: return softmax(layer, first);
  case OpKind::Upsample:
    return upsampleNearest(first, layer.upsample().scaleH, layer.upsample().scaleW);
  case OpKind::Reorg: return reorgDarknet(first, layer.reorg().stride);
  case OpKind::Multiply: return multiply(layer, first, *inputs[1]);
  case OpKind::FlattenConcat: return flattenConcat(layer, inputs);
  case OpKind::Input: break;
  }
  require(false, layer, "only layer 0 may be the network input");
  return {};
}

} // namespace

std::vector<std::vector<float>> runReferenceAllLayers(const Network &network,
                                                      const std::vector<float> &inputNchw) {
  std::vector<Tensor> outputs;
  outputs.reserve(network.layers.size());
  for (const Layer &layer : network.layers) {
    if (outputs.empty()) {
      require(layer.op == OpKind::Input, layer, "layer 0 must be the network input");
      require(int64_t(inputNchw.size()) == network.inputShape.elements(), layer,
              "input has {} values, the input shape needs {}", inputNchw.size(),
              network.inputShape.elements());
      outputs.push_back({network.inputShape, inputNchw});
      continue;
    }
    std::vector<const Tensor *> inputs;
    for (int index : layer.inputs) {
      require(index >= 0 && size_t(index) < outputs.size(), layer,
              "reads layer {}, which is not defined above it", index);
      inputs.push_back(&outputs[size_t(index)]);
    }
    const std::vector<double> result = runOp(layer, inputs);
    require(int64_t(result.size()) == layer.output.elements(), layer,
            "computed {} values for an output of {}", result.size(), layer.output.elements());

    Tensor output{layer.output, std::vector<float>(result.size())};
    for (size_t i = 0; i < result.size(); ++i)
      output.values[i] = float(activate(result[i], layer.activation));
    outputs.push_back(std::move(output));
  }

  std::vector<std::vector<float>> values;
  values.reserve(outputs.size());
  for (Tensor &output : outputs)
    values.push_back(std::move(output.values));
  return values;
}

std::vector<float> runReference(const Network &network, const std::vector<float> &inputNchw) {
  std::vector<std::vector<float>> all = runReferenceAllLayers(network, inputNchw);
  if (all.empty())
    llvm::report_fatal_error("reference executor: the network has no layers",
                             /*gen_crash_diag=*/false);
  return std::move(all.back());
}

} // namespace tessel
