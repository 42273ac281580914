// libFuzzer target: arbitrary bytes as an ONNX model, through what `tessel
// info` does with one: load (protobuf, translation, shapes, initializers),
// normalize, plan `layers`. Any crash, abort, leak or runaway allocation is
// a finding; rejected input is not. The seed corpus is networks/onnx/.
#include "fuzz_support.h"

#include "frontend/load_network.h"
#include "normalize/normalize.h"
#include "schedule/execution_plan.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string path = fuzz::writeInputFile("model.onnx", data, size);
  llvm::Expected<tessel::Network> loaded = tessel::loadNetwork(path);
  if (!loaded) {
    llvm::consumeError(loaded.takeError());
    return 0;
  }
  const tessel::Network net = tessel::normalize(*loaded);
  llvm::Expected<tessel::ExecutionPlan> plan =
      tessel::lowerSchedule(net, tessel::layerByLayer(net));
  if (!plan)
    llvm::consumeError(plan.takeError());
  return 0;
}
