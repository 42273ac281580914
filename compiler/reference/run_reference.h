// The reference executor: the oracle every generated schedule is checked
// against. It runs the un-normalized network (batch norm as its own layer,
// stand-alone activations) with straight nested loops, accumulating in double
// and rounding to float once per layer output. It shares no code with
// runtime/, so a kernel bug cannot hide in both.
//
// The network must be well-formed, as the frontend produces it (output shapes
// inferred, `same` padding resolved, weights filled); a broken invariant
// aborts with a message naming the layer.
#pragma once

#include "ir/network.h"

#include <vector>

namespace tessel {

// Runs the network on one NCHW float32 image of network.inputShape and
// returns the last layer's output in NCHW order.
std::vector<float> runReference(const Network &network, const std::vector<float> &inputNchw);

// Like runReference, but returns every layer's output, indexed like
// network.layers (element 0 is the input itself).
std::vector<std::vector<float>> runReferenceAllLayers(const Network &network,
                                                      const std::vector<float> &inputNchw);

} // namespace tessel
