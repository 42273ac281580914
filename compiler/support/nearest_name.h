// "Did you mean ...?" suggestions for misspelled keys, ops and layer names.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace tessel {

// The candidate closest to `word` by edit distance, if it is close enough to
// be a plausible typo (about one edit per three characters, rounded up).
std::optional<std::string> nearestName(llvm::StringRef word,
                                       llvm::ArrayRef<llvm::StringRef> candidates);

} // namespace tessel
