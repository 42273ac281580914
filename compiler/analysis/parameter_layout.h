// Which parameter tensors each layer owns, how large they are, and in which
// order a weights file stores them (docs/network-format.md, "Weights file").
// Sizes follow from the attributes and the inferred input shapes, so this is
// the one place the layout is written down: the weight readers and the cost
// model both use it.
#pragma once

#include "ir/network.h"
#include "ir/parameters.h"

#include <cstdint>
#include <vector>

namespace tessel {

// The tensors of layer `index`, in file order. Needs inferred shapes.
std::vector<ParameterTensor> parameterTensors(const Network &network, int index);

// Sum of the tensors' elements.
int64_t layerParameterCount(const Network &network, int index);

// Parameters of the whole network by this layout (Network::parameterCount
// counts what is loaded instead).
int64_t networkParameterCount(const Network &network);

} // namespace tessel
