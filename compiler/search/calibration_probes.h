// The networks `tessel calibrate` times on a board: small descriptions that
// exercise every kernel class (target/latency_profile.h) at several channel
// counts and map sizes, each under several schedules so that the kernel
// calls' regions vary in size and shape (whole maps, 1x8, 8x1, 4x4 and 8x8
// tile grids, streamed stripes with their row shifts). That variety is what
// separates a class's per-work, per-pixel, per-row and per-call figures.
#pragma once

#include <string>
#include <vector>

namespace tessel {

struct CalibrationProbe {
  std::string name;                   // a C identifier, unique among the probes
  std::string description;            // the network, as YAML (docs/network-format.md)
  std::vector<std::string> schedules; // text form (schedule/schedule.h)
};

// `quick`: a smaller set (fewer sizes and schedules) that still uses every
// class, for tests and a first look.
std::vector<CalibrationProbe> calibrationProbes(bool quick);

// "layers", "tile4x4", "stream2", "tile4x4_winograd4": the part of a
// schedule a probe's variant is named after.
std::string scheduleLabel(const std::string &schedule);

} // namespace tessel
