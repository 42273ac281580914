// Static placement of buffers in one arena.
//
// Every buffer the generated code uses has a size and a lifetime (the
// inclusive range of execution steps during which it holds live data). The
// planner gives each an offset so that no two buffers whose lifetimes
// overlap share a byte, and keeps the arena small. It runs first-fit
// placement (lowest offset that fits beside the already placed buffers that
// are live at the same time) under several orders — largest first, as
// TensorFlow Lite Micro's greedy planner does, longest-lived first, earliest
// first, largest area (bytes x lifetime) first — and keeps the smallest
// arena. The result is never worse than greedy by size.
//
// A buffer may be written over another one (`overwrites`): a kernel that
// computes its output in place, over an input no later step reads. The two
// are placed at the same offset, and at the step where one ends and the
// other begins they share their bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessel {

struct BufferRequest {
  std::string name; // for reports and diagnostics
  int64_t bytes = 0;
  int firstStep = 0; // inclusive
  int lastStep = 0;  // inclusive
  // The index of an earlier request this one is written over, or -1. That
  // request ends at this one's first step and is at least as large; both are
  // placed at the same offset.
  int overwrites = -1;
};

struct ArenaPlan {
  std::vector<int64_t> offsets; // one per request, multiples of the alignment
  int64_t arenaBytes = 0;
  // max over steps of the bytes live at that step: no placement can beat it.
  int64_t lowerBoundBytes = 0;
  std::string strategy; // which order won
};

inline constexpr int64_t kArenaAlignment = 64;

int64_t alignUp(int64_t bytes, int64_t alignment = kArenaAlignment);

ArenaPlan planArena(const std::vector<BufferRequest> &requests);

// The bytes live at each step 0..(last step of any request), each buffer
// rounded up to the alignment (one written over another counts from the
// step after they share): the lower bound is their maximum.
std::vector<int64_t> liveBytesPerStep(const std::vector<BufferRequest> &requests);

// Checks a plan: offsets aligned, buffers inside the arena, no two buffers
// live at the same step overlap (but one written over another, which share
// their offset and the step where one ends and the other begins). Returns a description of the first
// problem found, or an empty string.
std::string findPlanConflict(const std::vector<BufferRequest> &requests, const ArenaPlan &plan);

} // namespace tessel
