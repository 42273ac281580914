// Deterministic random parameters for `weights: {random: SEED}`, so networks
// can be compiled and tested without trained weights. Ranges and seeding
// are specified in docs/network-format.md ("Random weights").
#pragma once

#include "ir/network.h"

#include <cstdint>

namespace tessel {

// Fills every layer's LayerWeights; needs inferred shapes. The same seed
// gives the same bits on any machine.
void fillRandomWeights(Network &network, uint64_t seed);

} // namespace tessel
