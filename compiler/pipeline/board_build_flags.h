// The CPU flags a board profile asks the generated CMakeLists.txt for: the
// machine's own (-march=native) for a profile that names no CPU and no
// toolchain (host), else -mcpu (-march on x86) and -mfpu from its `cpu` and
// `fpu`, applied when the compiler targets the profile's architecture.
#pragma once

#include "codegen/build_flags.h"
#include "target/target_profile.h"

namespace tessel {

BuildFlags buildFlagsFor(const TargetProfile &profile);

} // namespace tessel
