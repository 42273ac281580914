// Raw float32 files: little-endian values back to back, no header. `tessel
// run` reads its input and writes its output in this form, and generated
// demo programs read the same files.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tessel {

// Reads a file that must hold exactly `expectedCount` floats; otherwise the
// error names the file and the expected and actual byte sizes. Nothing past
// the expected size is read, so a device such as /dev/zero fails quickly.
llvm::Expected<std::vector<float>> readFloatFile(const std::string &path, int64_t expectedCount);

// Reads a file holding any whole number of floats and at most `maxBytes`
// bytes; std::nullopt when it holds more (a device or pipe is read up to
// `maxBytes` + 1 bytes to tell).
llvm::Expected<std::optional<std::vector<float>>> readFloatFileAtMost(const std::string &path,
                                                                      uint64_t maxBytes);

// Writes `values` to a temporary file next to `path` and renames it into
// place, so a failure never leaves a half-written file at `path`.
llvm::Error writeFloatFile(const std::string &path, llvm::ArrayRef<float> values);

} // namespace tessel
