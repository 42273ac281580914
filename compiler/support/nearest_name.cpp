#include "support/nearest_name.h"

#include <algorithm>

namespace tessel {

std::optional<std::string> nearestName(llvm::StringRef word,
                                       llvm::ArrayRef<llvm::StringRef> candidates) {
  const unsigned maxDistance = std::max<unsigned>(1, (unsigned(word.size()) + 2) / 3);
  std::optional<std::string> best;
  unsigned bestDistance = maxDistance + 1;
  for (llvm::StringRef candidate : candidates) {
    // Compare case-insensitively: "Filters" is as much a typo as "filter".
    const unsigned distance =
        llvm::StringRef(word.lower()).edit_distance(candidate.lower(), true, maxDistance);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate.str();
    }
  }
  return best;
}

} // namespace tessel
