// Walks the parameter tensors of a network in weights-file order, giving each
// its storage in LayerWeights, sized to fit. The file reader and the random
// generator both fill weights through it, so they agree on the layout.
#pragma once

#include "analysis/parameter_layout.h"
#include "ir/network.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace tessel {

// `tensorIndex` counts the tensors within their layer, from 0.
using ParameterTensorVisitor = llvm::function_ref<void(
    int layerIndex, int tensorIndex, const ParameterTensor &tensor, std::vector<float> &values)>;

// Needs inferred shapes. Replaces any weights the network held before.
void forEachParameterTensor(Network &network, ParameterTensorVisitor visit);

} // namespace tessel
