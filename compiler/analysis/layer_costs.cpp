#include "analysis/layer_costs.h"

#include "analysis/parameter_layout.h"

#include <algorithm>

namespace tessel {

int64_t layerMacs(const Network &network, int index) {
  const Layer &layer = network.layers[index];
  const int64_t outputs = layer.output.elements();
  const Shape input = layer.inputs.empty() ? Shape{} : network.layers[layer.inputs[0]].output;

  switch (layer.op) {
  case OpKind::Conv2d: {
    const ConvAttrs &conv = layer.conv;
    const int groups = conv.groups > 0 ? conv.groups : 1;
    return outputs * (input.c / groups) * conv.kernelH * conv.kernelW;
  }
  case OpKind::FullyConnected: return input.elements() * layer.fc.outFeatures;
  case OpKind::MaxPool:
  case OpKind::AvgPool: return outputs * layer.pool.kernelH * layer.pool.kernelW;
  case OpKind::GlobalAvgPool: return input.elements();
  case OpKind::Add: return outputs * std::max<int64_t>(int64_t(layer.inputs.size()) - 1, 0);
  case OpKind::BatchNorm:
  case OpKind::Softmax: return outputs;
  case OpKind::Activation: return layer.activation.kind == ActivationKind::Linear ? 0 : outputs;
  case OpKind::Input:
  case OpKind::Concat: return 0;
  }
  return 0;
}

int64_t layerWeightBytes(const Network &network, int index) {
  return int64_t(sizeof(float)) * layerParameterCount(network, index);
}

int64_t regionMacs(const Network &network, int index, const MapRegion &region) {
  const Shape &out = network.layers[size_t(index)].output;
  const int64_t area = int64_t(region.height()) * region.width();
  return layerMacs(network, index) * area / std::max<int64_t>(1, int64_t(out.h) * out.w);
}

int64_t layerActivationBytes(const Network &network, int index) {
  return int64_t(sizeof(float)) * network.layers[index].output.elements();
}

} // namespace tessel
