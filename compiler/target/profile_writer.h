// Writes a board profile (target_profile.h reads it): what `tessel
// calibrate` produces, the profile it started from with the fitted
// `latency` section.
#pragma once

#include "target/target_profile.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace tessel {

// How a profile file wrote the fields it may write in more than one way
// (`native`, `1GiB`, `4.0`), so that a rewritten profile says the same.
struct ProfileSpelling {
  std::string triple;
  std::string cores;
  std::optional<std::string> threads; // none: the file leaves `threads` out
  std::string defaultBudget;
  std::string gflopsPerCore;
};

// The spelling in the text of a profile that parseTargetProfile() accepted.
ProfileSpelling readProfileSpelling(llvm::StringRef text);

// The profile file for `profile`, its latency figures included, marked as
// measured by `tessel calibrate`. Reading it back gives `profile`.
std::string formatCalibratedProfile(const TargetProfile &profile, const ProfileSpelling &spelling);

} // namespace tessel
