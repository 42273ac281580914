#include "reference/tensor_file.h"

#include "support/bounded_file.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace tessel {

namespace {

constexpr uint64_t kFloatBytes = 4;

template <typename... Args>
llvm::Error fileError(fmt::format_string<Args...> format, Args &&...args) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 fmt::format(format, std::forward<Args>(args)...));
}

llvm::Expected<BoundedFile> readBytes(const std::string &path, uint64_t maxBytes) {
  llvm::ErrorOr<BoundedFile> file = readBoundedFile(path, maxBytes);
  if (!file)
    return fileError("cannot read '{}': {}", path, file.getError().message());
  return std::move(*file);
}

std::vector<float> decodeFloats(llvm::StringRef bytes) {
  std::vector<float> values(bytes.size() / kFloatBytes);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] =
        llvm::bit_cast<float>(llvm::support::endian::read32le(bytes.data() + i * kFloatBytes));
  return values;
}

} // namespace

llvm::Expected<std::vector<float>> readFloatFile(const std::string &path, int64_t expectedCount) {
  const uint64_t expectedBytes = uint64_t(expectedCount) * kFloatBytes;
  auto file = readBytes(path, expectedBytes);
  if (!file)
    return file.takeError();
  if (!file->holdsExactly(expectedBytes))
    return fileError("'{}' has {}, expected {} bytes ({} float32 values)", path,
                     file->describeSize(), expectedBytes, expectedCount);
  return decodeFloats(file->contents->getBuffer());
}

llvm::Expected<std::optional<std::vector<float>>> readFloatFileAtMost(const std::string &path,
                                                                      uint64_t maxBytes) {
  auto file = readBytes(path, maxBytes);
  if (!file)
    return file.takeError();
  if (file->tooLong())
    return std::nullopt;
  const uint64_t actualBytes = file->contents->getBufferSize();
  if (actualBytes % kFloatBytes != 0)
    return fileError("'{}' is {} bytes, not a whole number of float32 values", path, actualBytes);
  return decodeFloats(file->contents->getBuffer());
}

llvm::Error writeFloatFile(const std::string &path, llvm::ArrayRef<float> values) {
  std::string bytes(values.size() * kFloatBytes, '\0');
  for (size_t i = 0; i < values.size(); ++i)
    llvm::support::endian::write32le(&bytes[i * kFloatBytes], llvm::bit_cast<uint32_t>(values[i]));

  auto temp = llvm::sys::fs::TempFile::create(path + ".tmp-%%%%%%");
  if (!temp)
    return fileError("cannot write '{}': {}", path, llvm::toString(temp.takeError()));
  std::error_code writeError;
  {
    llvm::raw_fd_ostream stream(temp->FD, /*shouldClose=*/false);
    stream << bytes;
    stream.flush();
    writeError = stream.error();
    stream.clear_error(); // the stream would abort on destruction otherwise
  }
  if (writeError) {
    llvm::consumeError(temp->discard());
    return fileError("cannot write '{}': {}", path, writeError.message());
  }
  if (llvm::Error renameError = temp->keep(path))
    return fileError("cannot write '{}': {}", path, llvm::toString(std::move(renameError)));
  return llvm::Error::success();
}

} // namespace tessel
