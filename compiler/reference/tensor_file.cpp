#include "reference/tensor_file.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
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

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readBytes(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError("cannot read '{}': {}", path, buffer.getError().message());
  return std::move(*buffer);
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
  auto buffer = readBytes(path);
  if (!buffer)
    return buffer.takeError();
  const uint64_t actualBytes = (*buffer)->getBufferSize();
  const uint64_t expectedBytes = uint64_t(expectedCount) * kFloatBytes;
  if (actualBytes != expectedBytes)
    return fileError("'{}' is {} bytes, expected {} bytes ({} float32 values)", path, actualBytes,
                     expectedBytes, expectedCount);
  return decodeFloats((*buffer)->getBuffer());
}

llvm::Expected<std::vector<float>> readFloatFile(const std::string &path) {
  auto buffer = readBytes(path);
  if (!buffer)
    return buffer.takeError();
  const uint64_t actualBytes = (*buffer)->getBufferSize();
  if (actualBytes % kFloatBytes != 0)
    return fileError("'{}' is {} bytes, not a whole number of float32 values", path, actualBytes);
  return decodeFloats((*buffer)->getBuffer());
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
