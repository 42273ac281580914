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

} // namespace tessel
