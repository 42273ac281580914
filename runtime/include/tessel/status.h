// What a generated network's entry point returns, and the arena contract.
#pragma once

#include <stdint.h>

namespace tessel {

enum Status : int {
  kOk = 0,
  kNullArgument = 1,    // a required pointer argument was null
  kMisalignedArena = 2, // the arena does not start on a kArenaAlignment boundary
  // Code generated with --weight-storage external, which takes the weights
  // as an argument:
  kMisalignedWeights = 3,    // the weights do not start on a kWeightsAlignment boundary
  kWrongWeightsSize = 4,     // the weights blob is not the size the code was generated for
  kWrongWeightsChecksum = 5, // its checksum differs: another network's, or corrupted
};

// Alignment, in bytes, of the weights blob (embedded or given to run()).
inline constexpr unsigned kWeightsAlignment = 64;

// FNV-1a, 64 bits, of `bytes` bytes: the checksum a generated header states
// for its weights file.
inline uint64_t weightsChecksum(const unsigned char *data, unsigned long bytes) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (unsigned long i = 0; i < bytes; ++i) {
    hash ^= data[i];
    hash *= 0x100000001B3ull;
  }
  return hash;
}

// Alignment, in bytes, the caller must give the arena holding activations.
inline constexpr unsigned kArenaAlignment = 64;

inline bool isArenaAligned(const void *arena) {
  return (reinterpret_cast<uintptr_t>(arena) % kArenaAlignment) == 0;
}

} // namespace tessel
