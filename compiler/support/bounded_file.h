// Reading whole files without trusting their size: every file tessel reads
// has a largest size that makes sense (analysis/limits.h, or the exact size
// the network needs), and nothing beyond it is read or allocated.
#pragma once

#include "llvm/Support/ErrorOr.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tessel {

struct BoundedFile {
  // The whole file; null when it holds more than the bound.
  std::unique_ptr<llvm::MemoryBuffer> contents;
  // The size of a regular file, known without reading; none for a device or
  // pipe, which is read up to the bound plus one byte.
  std::optional<uint64_t> size;
  uint64_t bound = 0;

  bool tooLong() const { return !contents; }
  // Whether the file was read and holds exactly `bytes` bytes: the check of
  // every file whose size the network fixes (weights, inputs).
  bool holdsExactly(uint64_t bytes) const { return contents && contents->getBufferSize() == bytes; }
  // "123 bytes", or "more than 100 bytes" for a device or pipe too long.
  std::string describeSize() const;
};

// Reads `path` if it holds at most `maxBytes` bytes. A regular file's size is
// checked before anything is read; a character device or FIFO is read until
// its end or until it gives more than `maxBytes`. I/O problems (missing file,
// directory, no permission) are the error.
llvm::ErrorOr<BoundedFile> readBoundedFile(const std::string &path, uint64_t maxBytes);

// The size of `path` when it is a regular file; none otherwise or on error.
std::optional<uint64_t> regularFileSize(const std::string &path);

} // namespace tessel
