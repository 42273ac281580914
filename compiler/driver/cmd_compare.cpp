// `tessel compare ACTUAL EXPECTED [--tolerance T]`: compares two raw float32
// files, e.g. a generated program's output with the reference executor's.
#include "driver/options.h"
#include "reference/compare.h"
#include "reference/tensor_file.h"
#include "support/bounded_file.h"
#include "support/byte_size.h"
#include "support/limits.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace cl = llvm::cl;

namespace tessel::driver {

static cl::opt<std::string> ActualPath(cl::Positional, cl::Required, cl::desc("<actual.bin>"),
                                       cl::sub(compareCommand()));
static cl::opt<std::string> ExpectedPath(cl::Positional, cl::Required, cl::desc("<expected.bin>"),
                                         cl::sub(compareCommand()));
static cl::opt<double>
    Tolerance("tolerance", cl::init(1e-4),
              cl::desc("Largest allowed max|actual - expected| / max|expected| (default 1e-4)"),
              cl::sub(compareCommand()));

namespace {

llvm::Error tooLarge(const std::string &path, uint64_t bytes) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      fmt::format("'{}' has {} bytes, more than the limit of {} bytes ({}) for a float32 file",
                  path, bytes, kMaxFloatFileBytes, formatBytes(kMaxFloatFileBytes)));
}

int sizesDiffer(const std::string &path, const std::string &size, const std::string &otherPath,
                uint64_t otherBytes) {
  llvm::outs() << fmt::format("sizes differ: '{}' has {}, '{}' has {} bytes\n", path, size,
                              otherPath, otherBytes);
  return kExitMismatch;
}

std::string describeNans(const NanPositions &nans) {
  std::string text = fmt::format("NaN: {} in actual, {} in expected, first at {}; ", nans.inActual,
                                 nans.inReference, nans.first);
  if (nans.mismatches == 0)
    return text + "at the same positions in both (counted as equal)\n";
  return text + fmt::format("{} positions have NaN on one side and a number on the other, first "
                            "at {} (counted as differences)\n",
                            nans.mismatches, nans.firstMismatch);
}

} // namespace

int runCompareCommand() {
  // Neither file is read past the other's size (plus one byte, to tell a
  // longer device or pipe), so a huge or endless file costs nothing.
  const std::optional<uint64_t> actualSize = regularFileSize(ActualPath);
  const std::optional<uint64_t> expectedSize = regularFileSize(ExpectedPath);
  for (const auto &[path, size] : {std::pair(ActualPath.getValue(), actualSize),
                                   std::pair(ExpectedPath.getValue(), expectedSize)})
    if (size && *size > uint64_t(kMaxFloatFileBytes))
      return reportError(tooLarge(path, *size), kExitInvalidInput);
  if (actualSize && expectedSize && *actualSize != *expectedSize)
    return sizesDiffer(ActualPath, fmt::format("{} bytes", *actualSize), ExpectedPath,
                       *expectedSize);

  const uint64_t actualBound = expectedSize ? *expectedSize
                               : actualSize ? *actualSize
                                            : uint64_t(kMaxUnsizedFileBytes);
  auto actual = readFloatFileAtMost(ActualPath, actualBound);
  if (!actual)
    return reportError(actual.takeError(), kExitInvalidInput);
  if (!*actual) {
    if (expectedSize)
      return sizesDiffer(ActualPath, fmt::format("more than {} bytes", actualBound), ExpectedPath,
                         *expectedSize);
    return reportError(llvm::createStringError(
                           llvm::inconvertibleErrorCode(),
                           fmt::format("'{}' gives more than {} bytes, the limit for reading a "
                                       "device or pipe when the other file's size is unknown",
                                       ActualPath.getValue(), kMaxUnsizedFileBytes)),
                       kExitInvalidInput);
  }
  const uint64_t actualBytes = (*actual)->size() * sizeof(float);
  auto expected = readFloatFileAtMost(ExpectedPath, actualBytes);
  if (!expected)
    return reportError(expected.takeError(), kExitInvalidInput);
  if (!*expected)
    return sizesDiffer(ExpectedPath, fmt::format("more than {} bytes", actualBytes), ActualPath,
                       actualBytes);
  if ((*expected)->size() != (*actual)->size())
    return sizesDiffer(ExpectedPath, fmt::format("{} bytes", (*expected)->size() * sizeof(float)),
                       ActualPath, actualBytes);

  Comparison comparison = compareOutputs(**actual, **expected);
  bool within = comparison.normalizedError <= Tolerance;
  llvm::outs() << fmt::format("{} values: max abs error {:.3g} (at {}), max |expected| {:.6g}, "
                              "relative to it {:.3g}: {} tolerance {:.3g}\n",
                              (*expected)->size(), comparison.maxAbsError, comparison.worstIndex,
                              comparison.maxAbsReference, comparison.normalizedError,
                              within ? "within" : "OVER", Tolerance.getValue());
  if (comparison.nans.any())
    llvm::outs() << describeNans(comparison.nans);
  return within ? kExitOk : kExitMismatch;
}

} // namespace tessel::driver
