#include "reference/deterministic_input.h"

#include <cstddef>

namespace tessel {

namespace {

struct SplitMix64 {
  uint64_t state;

  uint64_t next() {
    state += 0x9E3779B97F4A7C15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

} // namespace

std::vector<float> deterministicInput(int64_t count, uint64_t seed) {
  SplitMix64 generator{seed};
  std::vector<float> values(count > 0 ? size_t(count) : 0);
  for (float &value : values)
    value = float(generator.next() >> 40) * 0x1p-24f;
  return values;
}

} // namespace tessel
