#include "ir/network.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessel {

int64_t Network::parameterCount() const {
  int64_t count = 0;
  for (const Layer &layer : layers) {
    const LayerWeights &w = layer.weights;
    count += int64_t(w.weight.size() + w.bias.size() + w.gamma.size() + w.beta.size() +
                     w.mean.size() + w.variance.size());
  }
  return count;
}

Network withoutWeights(const Network &net) {
  Network shapes;
  shapes.name = net.name;
  shapes.loc = net.loc;
  shapes.nameLoc = net.nameLoc;
  shapes.weightsFile = net.weightsFile;
  shapes.inputShape = net.inputShape;
  shapes.layers.reserve(net.layers.size());
  for (const Layer &layer : net.layers)
    shapes.layers.push_back(withoutWeights(layer));
  return shapes;
}

Layer withoutWeights(const Layer &layer) {
  Layer copy;
  copy.name = layer.name;
  copy.op = layer.op;
  copy.inputs = layer.inputs;
  copy.loc = layer.loc;
  copy.attributes = layer.attributes;
  copy.activation = layer.activation;
  copy.output = layer.output;
  return copy;
}

int Network::indexOf(const std::string &layerName) const {
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == layerName)
      return int(i);
  return -1;
}

std::vector<int> Network::consumersOf(int index) const {
  std::vector<int> consumers;
  for (size_t i = 0; i < layers.size(); ++i)
    for (int input : layers[i].inputs)
      if (input == index) {
        consumers.push_back(int(i));
        break;
      }
  return consumers;
}

std::vector<std::vector<int>> Network::allConsumers() const {
  std::vector<std::vector<int>> consumers(layers.size());
  for (size_t i = 0; i < layers.size(); ++i)
    for (size_t k = 0; k < layers[i].inputs.size(); ++k) {
      const int input = layers[i].inputs[k];
      // A layer reading the same input twice is listed once, as in consumersOf.
      if (std::find(layers[i].inputs.begin(), layers[i].inputs.begin() + long(k), input) ==
          layers[i].inputs.begin() + long(k))
        consumers[size_t(input)].push_back(int(i));
    }
  return consumers;
}

std::string formatShape(const Shape &shape) {
  return fmt::format("{}x{}x{}", shape.c, shape.h, shape.w);
}

const char *activationName(ActivationKind kind) {
  switch (kind) {
  case ActivationKind::Linear: return "linear";
  case ActivationKind::Relu: return "relu";
  case ActivationKind::Relu6: return "relu6";
  case ActivationKind::Leaky: return "leaky";
  case ActivationKind::Sigmoid: return "sigmoid";
  case ActivationKind::HardSigmoid: return "hard_sigmoid";
  case ActivationKind::HardSwish: return "hard_swish";
  }
  return "?";
}

bool isDepthwise(const Layer &conv, const Shape &input) {
  return conv.op == OpKind::Conv2d && conv.conv().groups > 1 && conv.conv().groups == input.c;
}

} // namespace tessel
