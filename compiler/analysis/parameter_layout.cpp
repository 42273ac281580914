#include "analysis/parameter_layout.h"

#include "ops/op_table.h"

namespace tessel {

std::vector<ParameterTensor> parameterTensors(const Network &network, int index) {
  return describeOp(network.layers[size_t(index)].op).parameters(OpSite(network, index));
}

int64_t layerParameterCount(const Network &network, int index) {
  int64_t count = 0;
  for (const ParameterTensor &tensor : parameterTensors(network, index))
    count += tensor.elements();
  return count;
}

int64_t networkParameterCount(const Network &network) {
  int64_t count = 0;
  for (int index = 0; index < int(network.layers.size()); ++index)
    count += layerParameterCount(network, index);
  return count;
}

} // namespace tessel
