// What a generated network's entry point returns, and the arena contract.
#pragma once

#include <stdint.h>

namespace tessel {

enum Status : int {
  kOk = 0,
  kNullArgument = 1,    // a required pointer argument was null
  kMisalignedArena = 2, // the arena does not start on a kArenaAlignment boundary
};

// Alignment, in bytes, the caller must give the arena holding activations.
inline constexpr unsigned kArenaAlignment = 64;

inline bool isArenaAligned(const void *arena) {
  return (reinterpret_cast<uintptr_t>(arena) % kArenaAlignment) == 0;
}

} // namespace tessel
