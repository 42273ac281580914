#include "analysis/layer_costs.h"

#include "analysis/parameter_layout.h"
#include "ops/conv_primitives.h"
#include "ops/op_table.h"

#include <algorithm>

namespace tessel {

int64_t layerMacs(const Network &network, int index) {
  return describeOp(network.layers[size_t(index)].op).macs(OpSite(network, index));
}

int64_t layerWeightBytes(const Network &network, int index) {
  return int64_t(sizeof(float)) *
         (layerParameterCount(network, index) + primitiveExtraWeightFloats(OpSite(network, index)));
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
