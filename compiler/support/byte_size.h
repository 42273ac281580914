// Byte sizes on the command line and in target profiles: "4MiB", "512KiB", "1.5GiB", "3MB",
// "65536". Units: B; KiB, MiB, GiB (powers of 1024, also written K, M, G);
// kB/KB, MB, GB (powers of 1000).
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace tessel {

llvm::Expected<int64_t> parseByteSize(llvm::StringRef text);

// "13.7 MB (13,690,880 bytes)"-style human text: the binary unit that fits.
std::string formatBytes(int64_t bytes);

} // namespace tessel
