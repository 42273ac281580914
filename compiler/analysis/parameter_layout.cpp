#include "analysis/parameter_layout.h"

namespace tessel {

std::vector<ParameterTensor> parameterTensors(const Network &network, int index) {
  const Layer &layer = network.layers[index];
  const Shape input = layer.inputs.empty() ? Shape{} : network.layers[layer.inputs[0]].output;
  std::vector<ParameterTensor> tensors;

  switch (layer.op) {
  case OpKind::Conv2d: {
    const ConvAttrs &conv = layer.conv;
    const int groups = conv.groups > 0 ? conv.groups : 1; // set by shape inference
    const int64_t fanIn = int64_t(input.c / groups) * conv.kernelH * conv.kernelW;
    tensors.push_back({ParameterRole::Weight, conv.outChannels * fanIn, fanIn});
    if (conv.bias)
      tensors.push_back({ParameterRole::Bias, conv.outChannels, 0});
    break;
  }
  case OpKind::BatchNorm:
    for (ParameterRole role :
         {ParameterRole::Gamma, ParameterRole::Beta, ParameterRole::Mean, ParameterRole::Variance})
      tensors.push_back({role, input.c, 0});
    break;
  case OpKind::FullyConnected: {
    const int64_t fanIn = input.elements();
    tensors.push_back({ParameterRole::Weight, layer.fc.outFeatures * fanIn, fanIn});
    if (layer.fc.bias)
      tensors.push_back({ParameterRole::Bias, layer.fc.outFeatures, 0});
    break;
  }
  default: break; // no parameters
  }
  return tensors;
}

int64_t layerParameterCount(const Network &network, int index) {
  int64_t count = 0;
  for (const ParameterTensor &tensor : parameterTensors(network, index))
    count += tensor.elements;
  return count;
}

int64_t networkParameterCount(const Network &network) {
  int64_t count = 0;
  for (int index = 0; index < int(network.layers.size()); ++index)
    count += layerParameterCount(network, index);
  return count;
}

std::vector<float> &parameterStorage(LayerWeights &weights, ParameterRole role) {
  switch (role) {
  case ParameterRole::Weight: return weights.weight;
  case ParameterRole::Bias: return weights.bias;
  case ParameterRole::Gamma: return weights.gamma;
  case ParameterRole::Beta: return weights.beta;
  case ParameterRole::Mean: return weights.mean;
  case ParameterRole::Variance: return weights.variance;
  }
  return weights.weight;
}

const char *parameterRoleName(ParameterRole role) {
  switch (role) {
  case ParameterRole::Weight: return "weight";
  case ParameterRole::Bias: return "bias";
  case ParameterRole::Gamma: return "gamma";
  case ParameterRole::Beta: return "beta";
  case ParameterRole::Mean: return "mean";
  case ParameterRole::Variance: return "variance";
  }
  return "?";
}

} // namespace tessel
