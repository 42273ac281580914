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
  static const OpDescription op{OpKind::Softmax,
                                "softmax",
                                {{"softmax", {}}},
                                InputCount::One,
                                /*fusesActivation=*/false,
                                /*splitsAcrossThreads=*/false,
                                parseNothing,
                                sameShapeAsInput,
                                noParameters,
                                /*inputNeed=*/nullptr,
                                onePerOutput,
                                reduceClass,
                                noWeights,
                                noKernelParams,
                                emitCall};
  return op;
}

} // namespace tessel::ops
