// A reproducible test image: the same floats on every machine, so a test,
// `tessel run` and a generated demo program can feed a network identical
// input without exchanging a file.
//
// The formula, to reimplement bit for bit elsewhere (SplitMix64; all
// arithmetic on uint64 modulo 2^64):
//
//   state = seed
//   next():
//     state += 0x9E3779B97F4A7C15
//     z = state
//     z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
//     z = (z ^ (z >> 27)) * 0x94D049BB133111EB
//     return z ^ (z >> 31)
//   value[i] = float(next() >> 40) * 2^-24     (i = 0, 1, ...)
//
// The top 24 bits fit a float exactly, so every value is exact and lies in
// [0, 1). Seed 1 starts 9505325 / 2^24, 12512141 / 2^24, 16290722 / 2^24.
#pragma once

#include <cstdint>
#include <vector>

namespace tessel {

std::vector<float> deterministicInput(int64_t count, uint64_t seed);

} // namespace tessel
