// `tessel run`: runs the reference executor on one input image and writes the
// last layer's output as a raw float32 file.
#include "analysis/layer_costs.h"
#include "driver/network_loading.h"
#include "driver/options.h"
#include "support/byte_size.h"
#include "support/limits.h"

#include "reference/deterministic_input.h"
#include "reference/run_reference.h"
#include "reference/tensor_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace cl = llvm::cl;

namespace tessel::driver {

static cl::opt<std::string>
    InputFile("input", cl::value_desc("file"),
              cl::desc("NCHW float32 input image (default: generated from --seed)"),
              cl::sub(runCommand()));

static cl::opt<uint64_t> Seed("seed", cl::init(1), cl::value_desc("N"),
                              cl::desc("Seed of the generated input when --input is not given"),
                              cl::sub(runCommand()));

static cl::opt<std::string> OutputFile("output", cl::Required, cl::value_desc("file"),
                                       cl::desc("Where to write the output (raw float32)"),
                                       cl::sub(runCommand()));

static cl::opt<std::string>
    WriteInputFile("write-input", cl::value_desc("file"),
                   cl::desc("Also save the input that was used (raw float32)"),
                   cl::sub(runCommand()));

namespace {

llvm::Expected<std::vector<float>> loadInput(const Shape &shape) {
  if (InputFile.empty())
    return deterministicInput(shape.elements(), Seed);
  return readFloatFile(InputFile, shape.elements());
}

// What the reference executor holds at its peak: every layer's output as
// float, and the largest once more in double while it is computed.
llvm::Error checkReferenceMemory(const Network &network) {
  int64_t total = 0, largest = 0;
  for (int i = 0; i < int(network.layers.size()); ++i) {
    total += layerActivationBytes(network, i);
    largest = std::max(largest, layerActivationBytes(network, i));
  }
  const int64_t bytes = total + 2 * largest;
  if (bytes <= kMaxReferenceBytes)
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      fmt::format("the reference executor would need about {} bytes ({}) for this network, more "
                  "than its limit of {} bytes ({})",
                  bytes, formatBytes(bytes), kMaxReferenceBytes, formatBytes(kMaxReferenceBytes)));
}

void printSummary(const Network &network, const std::vector<float> &output, double milliseconds) {
  const Layer &last = network.layers.back();
  float minimum = output.empty() ? 0.0f : *std::min_element(output.begin(), output.end());
  float maximum = output.empty() ? 0.0f : *std::max_element(output.begin(), output.end());
  double sum = 0.0;
  for (float value : output)
    sum += value;
  const double mean = output.empty() ? 0.0 : sum / double(output.size());
  fmt::print("{}: output '{}' {}x{}x{} ({} elements)\n", network.name, last.name, last.output.c,
             last.output.h, last.output.w, output.size());
  fmt::print("  min {:.6g}  max {:.6g}  mean {:.6g}\n", minimum, maximum, mean);
  fmt::print("  reference run took {:.1f} ms; wrote {}\n", milliseconds, OutputFile.getValue());
}

} // namespace

int runRunCommand() {
  // The reference runs the network as described, not normalized.
  auto network = loadCommandLineNetwork();
  if (!network)
    return reportError(network.takeError(), kExitInvalidInput);

  if (llvm::Error error = checkReferenceMemory(*network))
    return reportError(std::move(error), kExitImpossible);

  auto input = loadInput(network->inputShape);
  if (!input)
    return reportError(input.takeError(), kExitInvalidInput);
  if (!WriteInputFile.empty())
    if (llvm::Error error = writeFloatFile(WriteInputFile, *input))
      return reportError(std::move(error), kExitIoError);

  const auto start = std::chrono::steady_clock::now();
  const std::vector<float> output = runReference(*network, *input);
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;

  if (llvm::Error error = writeFloatFile(OutputFile, output))
    return reportError(std::move(error), kExitIoError);
  printSummary(*network, output, elapsed.count());
  return kExitOk;
}

} // namespace tessel::driver
