#include "frontend/weight_file.h"

#include "analysis/diagnostic.h"
#include "frontend/weight_tensors.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"

#include <fmt/format.h>

#include <cstring>

namespace tessel {

llvm::Error readWeightFile(Network &network, const std::string &path, const SourceLoc &where) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file)
    return makeDiagnostic(
        where, "",
        fmt::format("cannot read weights file '{}': {}", path, file.getError().message()));

  const int64_t parameters = networkParameterCount(network);
  const int64_t expected = parameters * int64_t(sizeof(float));
  const int64_t actual = int64_t((*file)->getBufferSize());
  if (actual != expected)
    return makeDiagnostic(where, "",
                          fmt::format("weights file '{}' has {} bytes, but the network needs {} "
                                      "bytes ({} float32 parameters)",
                                      path, actual, expected, parameters));

  const char *cursor = (*file)->getBufferStart();
  forEachParameterTensor(network,
                         [&](int, int, const ParameterTensor &, std::vector<float> &values) {
                           for (float &value : values) {
                             const uint32_t bits = llvm::support::endian::read32le(cursor);
                             std::memcpy(&value, &bits, sizeof value);
                             cursor += sizeof(float);
                           }
                         });
  return llvm::Error::success();
}

} // namespace tessel
