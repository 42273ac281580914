// Raw float32 files: little-endian values back to back, no header. `tessel
// run` reads its input and writes its output in this form, and generated
// demo programs read the same files.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel {

// Reads a file that must hold exactly `expectedCount` floats; otherwise the
// error names the file and the expected and actual byte sizes.
llvm::Expected<std::vector<float>> readFloatFile(const std::string &path, int64_t expectedCount);

// Reads a file holding any whole number of floats.
llvm::Expected<std::vector<float>> readFloatFile(const std::string &path);

// Writes `values` to a temporary file next to `path` and renames it into
// place, so a failure never leaves a half-written file at `path`.
llvm::Error writeFloatFile(const std::string &path, llvm::ArrayRef<float> values);

} // namespace tessel
