// A position in a file tessel reads, for diagnostics.
#pragma once

#include <string>

namespace tessel {

// Where a construct came from in the network description (1-based, as
// editors show it). line == 0 means "no location known".
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
};

} // namespace tessel
