// SplitMix64 (Steele, Lea and Flood, 2014): a tiny generator that gives the
// same numbers on every machine. Random weights use it, so that a seed
// reproduces a network bit for bit.
#pragma once

#include <cstdint>

namespace tessel {

class SplitMix64 {
public:
  explicit SplitMix64(uint64_t state) : state_(state) {}

  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15u;
    return mix(state_);
  }

  // Uniform in [0, 1): 24 random bits, exact as a float.
  float nextUnit() { return float(next() >> 40) * 0x1p-24f; }

  // The generator's output function; also used to derive seeds.
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }

private:
  uint64_t state_;
};

} // namespace tessel
