// global_avgpool: the mean of each channel over the whole map.
#include "ops/common_rules.h"
#include "ops/op_kinds.h"

#include <fmt/format.h>

namespace tessel::ops {
namespace {

llvm::Expected<Shape> inferShape(ShapeSite &site) {
  return Shape{site.input().c, 1, 1};
}

int64_t macs(const OpSite &site) {
  return site.input().elements(); // one add per input element
}

std::string emitCall(const CallPieces &call) {
  return fmt::format("tessel::globalAvgPool({}, {});", call.inputViews[0], call.outputTensor);
}

} // namespace

const OpDescription &globalAvgPool() {
  static const OpDescription op = [] {
    OpDescription d(OpKind::GlobalAvgPool, "global_avgpool");
    d.spellings = {{"global_avgpool", {}}};
    d.inferShape = inferShape;
    d.macs = macs;
    d.kernelClass = reduceClass;
    d.emitCall = emitCall;
    return d;
  }();
  return op;
}

} // namespace tessel::ops
