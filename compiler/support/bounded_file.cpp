#include "support/bounded_file.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"

#include <fmt/format.h>

#include <algorithm>

namespace fs = llvm::sys::fs;

namespace tessel {
namespace {

// Devices and pipes have no size: read in chunks, at most `maxBytes + 1`.
llvm::ErrorOr<BoundedFile> readStream(fs::file_t file, const std::string &path, uint64_t maxBytes) {
  constexpr uint64_t kChunkBytes = uint64_t(1) << 20;
  llvm::SmallVector<char, 0> bytes;
  while (bytes.size() <= maxBytes) {
    const uint64_t chunk = std::min(kChunkBytes, maxBytes + 1 - bytes.size());
    const size_t start = bytes.size();
    bytes.resize(start + chunk);
    llvm::Expected<size_t> read =
        fs::readNativeFile(file, llvm::MutableArrayRef<char>(bytes.data() + start, chunk));
    if (!read)
      return llvm::errorToErrorCode(read.takeError());
    bytes.resize(start + *read);
    if (*read == 0)
      break;
  }
  BoundedFile result;
  result.bound = maxBytes;
  if (bytes.size() <= maxBytes)
    result.contents =
        llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(bytes.data(), bytes.size()), path);
  return result;
}

} // namespace

std::string BoundedFile::describeSize() const {
  if (size)
    return fmt::format("{} bytes", *size);
  if (contents)
    return fmt::format("{} bytes", contents->getBufferSize());
  return fmt::format("more than {} bytes", bound);
}

llvm::ErrorOr<BoundedFile> readBoundedFile(const std::string &path, uint64_t maxBytes) {
  llvm::Expected<fs::file_t> file = fs::openNativeFileForRead(path);
  if (!file)
    return llvm::errorToErrorCode(file.takeError());
  auto closeFile = llvm::make_scope_exit([&] { fs::closeFile(*file); });
  fs::file_status status;
  if (std::error_code error = fs::status(*file, status))
    return error;
  if (status.type() == fs::file_type::directory_file)
    return std::make_error_code(std::errc::is_a_directory);
  if (status.type() != fs::file_type::regular_file)
    return readStream(*file, path, maxBytes);

  BoundedFile result;
  result.bound = maxBytes;
  result.size = status.getSize();
  if (*result.size > maxBytes)
    return result;
  auto buffer = llvm::MemoryBuffer::getOpenFile(*file, path, *result.size,
                                                /*RequiresNullTerminator=*/false);
  if (!buffer)
    return buffer.getError();
  result.contents = std::move(*buffer);
  return result;
}

std::optional<uint64_t> regularFileSize(const std::string &path) {
  fs::file_status status;
  if (fs::status(path, status) || status.type() != fs::file_type::regular_file)
    return std::nullopt;
  return status.getSize();
}

} // namespace tessel
