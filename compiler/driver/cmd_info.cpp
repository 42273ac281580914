// `tessel info NET.yaml`: what the network costs and the memory it plans.
// `--json` describes the network as loaded instead, and `--write-weights`
// saves its parameters as a weights file: together they hand the network to
// another tool (bench/ rebuilds it in ONNX Runtime this way). `--threads N`
// plans the arena of the code for N threads, with calls split across them
// where the `--target` board's figures say it pays, as `tessel compile` does.
#include "driver/layer_table.h"
#include "driver/network_json.h"
#include "driver/network_loading.h"
#include "driver/options.h"
#include "frontend/darknet_weights.h"
#include "frontend/load_darknet.h"
#include "frontend/weight_file.h"
#include "normalize/normalize.h"
#include "reference/tensor_file.h"
#include "search/latency_model.h"
#include "support/limits.h"
#include "target/target_profile.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace cl = llvm::cl;

namespace tessel::driver {

// The parameters in the form the network's frontend reads back.
static std::vector<float> weightsFileWords(const Network &net) {
  if (!isDarknetCfg(NetworkPath))
    return weightFileValues(net);
  // The Darknet header's integers travel bit for bit as 32-bit words.
  const std::vector<char> bytes = darknet::darknetWeightsFile(net);
  std::vector<float> words(bytes.size() / sizeof(float));
  for (size_t i = 0; i < words.size(); ++i)
    words[i] =
        llvm::bit_cast<float>(llvm::support::endian::read32le(bytes.data() + i * sizeof(float)));
  return words;
}

static cl::opt<bool> Json("json",
                          cl::desc("Print the network as loaded as JSON (layers with shapes, "
                                   "resolved attributes and parameter offsets) instead of the "
                                   "table"),
                          cl::sub(infoCommand()));
static cl::opt<std::string>
    WriteWeights("write-weights", cl::value_desc("file"),
                 cl::desc("Also save the network's parameters as a weights file (raw float32 "
                          "in the order docs/network-format.md gives; for a Darknet .cfg, a "
                          "Darknet .weights file)"),
                 cl::sub(infoCommand()));
static cl::opt<int> Threads("threads", cl::init(1), cl::value_desc("N"),
                            cl::desc("Plan the arena for code running on N threads (as `tessel "
                                     "compile --threads N`: tile and stream groups running in "
                                     "parts give each thread its own buffers)"),
                            cl::sub(infoCommand()));
static cl::opt<std::string>
    TargetName("target", cl::init(kDefaultTargetName), cl::value_desc("board"),
               cl::desc("Board profile from targets/ (default host): with --threads, its latency "
                        "figures decide which calls are split across the threads, as in `tessel "
                        "compile`; a pool split so is not written over its input"),
               cl::sub(infoCommand()));

int runInfoCommand() {
  if (Json && ScheduleOption.getNumOccurrences() > 0)
    return reportError(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               "--json describes the network, not a schedule: "
                                               "leave out --schedule"),
                       kExitUsage);
  if (Json && Threads.getNumOccurrences() > 0)
    return reportError(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               "--json describes the network, not the code for "
                                               "some threads: leave out --threads"),
                       kExitUsage);
  if (Threads < 1 || Threads > kMaxThreads)
    return reportError(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               "--threads must be in [1, %d], got %d", kMaxThreads,
                                               int(Threads)),
                       kExitUsage);
  llvm::Expected<Network> net = loadCommandLineNetwork();
  if (!net)
    return reportError(net.takeError(), kExitInvalidInput);
  if (!WriteWeights.empty())
    if (llvm::Error error = writeFloatFile(WriteWeights, weightsFileWords(*net)))
      return reportError(std::move(error), kExitIoError);
  if (Json) {
    llvm::outs() << llvm::formatv("{0:2}", networkJson(*net)) << "\n";
    return kExitOk;
  }
  llvm::Expected<TargetProfile> target = loadBuiltinTargetProfile(TargetName);
  if (!target)
    return reportError(target.takeError(), kExitUsage);
  Network normalized = normalize(*net);
  const LoweringOptions lowering = threadedLowering(Threads, target->latency);
  llvm::Expected<ExecutionPlan> plan = planCommandLineSchedule(normalized, lowering);
  if (!plan)
    return reportError(plan.takeError(), kExitUsage);
  llvm::outs() << formatLayerTable(normalized, *plan);
  return kExitOk;
}

} // namespace tessel::driver
