// softmax: over all elements of its input (a vector after fully_connected or
// global_avgpool).
#include "ops/common_rules.h"
#include "ops/op_kinds.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

std::string emitCall(const CallPieces &call) {
  return fmt::format("tessel::softmax({}, {}, {});", call.inputTensors[0], call.outputTensor,
                     call.site.layer().output.elements());
}

} // namespace

const OpDescription &softmax() {
  static const OpDescription op = [] {
    OpDescription d(OpKind::Softmax, "softmax");
    d.spellings = {{"softmax", {}}};
    d.inferShape = sameShapeAsInput;
    d.macs = onePerOutput;
    d.kernelClass = reduceClass;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
