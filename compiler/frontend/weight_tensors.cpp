#include "frontend/weight_tensors.h"

namespace tessel {

void forEachParameterTensor(Network &network, ParameterTensorVisitor visit) {
  for (int layerIndex = 0; layerIndex < int(network.layers.size()); ++layerIndex) {
    LayerWeights &weights = network.layers[layerIndex].weights;
    weights = LayerWeights{};
    const std::vector<ParameterTensor> tensors = parameterTensors(network, layerIndex);
    for (int tensorIndex = 0; tensorIndex < int(tensors.size()); ++tensorIndex) {
      std::vector<float> &values = parameterStorage(weights, tensors[tensorIndex].role);
      values.assign(size_t(tensors[tensorIndex].elements()), 0.0f);
      visit(layerIndex, tensorIndex, tensors[tensorIndex], values);
    }
  }
}

} // namespace tessel
