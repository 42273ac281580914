// Test data for the runtime kernel tests: a small deterministic generator
// (xorshift64*), the same on every platform and vector ISA, so a failing
// case reproduces anywhere, and the random splits of an output map into the
// regions the bit-exactness tests compute one by one.
#pragma once

#include "tessel/feature_map.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessel::testing {

class KernelRandom {
public:
  explicit KernelRandom(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint32_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<uint32_t>((state_ * 0x2545F4914F6CDD1Dull) >> 32);
  }
  // Uniform in [lo, hi].
  int range(int lo, int hi) { return lo + static_cast<int>(next() % uint32_t(hi - lo + 1)); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * float(next() >> 8) / float(1 << 24); }
  std::vector<float> vector(size_t n, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> v(n);
    for (float &x : v)
      x = uniform(lo, hi);
    return v;
  }

private:
  uint64_t state_;
};

// Splits the h x w output into a random guillotine partition: random bands
// of rows, each cut into random spans of columns.
inline std::vector<Region> randomPartition(KernelRandom &rng, int h, int w) {
  std::vector<Region> parts;
  int y = 0;
  while (y < h) {
    const int y1 = std::min(h, y + rng.range(1, std::max(1, h / 2 + 1)));
    int x = 0;
    while (x < w) {
      const int x1 = std::min(w, x + rng.range(1, std::max(1, w / 2 + 1)));
      parts.push_back(Region{y, y1, x, x1});
      x = x1;
    }
    y = y1;
  }
  return parts;
}

} // namespace tessel::testing
