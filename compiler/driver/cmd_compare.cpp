// `tessel compare ACTUAL EXPECTED [--tolerance T]`: compares two raw float32
// files, e.g. a generated program's output with the reference executor's.
#include "driver/options.h"
#include "reference/compare.h"
#include "reference/tensor_file.h"

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

int runCompareCommand() {
  llvm::Expected<std::vector<float>> actual = readFloatFile(ActualPath);
  if (!actual)
    return reportError(actual.takeError(), kExitInvalidInput);
  llvm::Expected<std::vector<float>> expected = readFloatFile(ExpectedPath);
  if (!expected)
    return reportError(expected.takeError(), kExitInvalidInput);
  Comparison comparison = compareOutputs(*actual, *expected);
  bool within = comparison.normalizedError <= Tolerance;
  llvm::outs() << fmt::format("{} values: max abs error {:.3g} (at {}), max |expected| {:.6g}, "
                              "relative to it {:.3g}: {} tolerance {:.3g}\n",
                              expected->size(), comparison.maxAbsError, comparison.worstIndex,
                              comparison.maxAbsReference, comparison.normalizedError,
                              within ? "within" : "OVER", Tolerance.getValue());
  return within ? kExitOk : kExitMismatch;
}

} // namespace tessel::driver
