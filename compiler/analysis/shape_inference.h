// Shape inference: computes every layer's output shape, resolves `same`
// padding and `groups: depthwise` into explicit values, and checks that the
// graph is well formed (input counts, matching shapes, sizes within limits).
// It may run again on a network it has already seen, e.g. after the input
// size changed.
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

namespace tessel {

// Fills Layer::output for every layer. Problems come back as ShapeError
// (ops/shape_error.h).
llvm::Error inferShapes(Network &network);

// Fills Layer::output of layer `index` alone, whose inputs are inferred: for
// frontends that need the shapes while they build the network.
llvm::Error inferLayerShape(Network &network, int index);

} // namespace tessel
