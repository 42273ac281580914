// libFuzzer target: arbitrary bytes as an ONNX model, through what `tessel
// info` does with one: load (protobuf, translation, shapes, initializers),
// normalize, plan `layers`. Any crash, abort, leak or runaway allocation is
// a finding; rejected input is not. The seed corpus is networks/onnx/.
//
// Unlike a cfg or a YAML description, a model cannot declare weights it
// does not hold, so nothing needs checking before it is loaded.
#include "fuzz_support.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::loadAndPlanLayers("model.onnx", data, size);
  return 0;
}
