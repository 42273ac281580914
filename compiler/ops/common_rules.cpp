#include "ops/common_rules.h"

#include "ops/attribute_readers.h"

namespace tessel {

OpDescription::OpDescription(OpKind kind, llvm::StringRef name)
    : kind(kind), name(name), parse(ops::parseNothing), parameters(ops::noParameters),
      macs(ops::noMacs), weightPacking(ops::noWeights), kernelParams(ops::noKernelParams) {}

namespace ops {

OpDescription elementwiseOp(OpKind kind, llvm::StringRef name) {
  OpDescription d(kind, name);
  d.inferShape = sameShapeAsInput;
  d.inputNeed = sameRegion;
  d.kernelClass = elementwiseClass;
  d.splitsAcrossThreads = true;
  d.inPlace = overSameShapedInput;
  return d;
}

InPlace overSameShapedInput(const OpSite &site, int inputIndex) {
  return site.input(size_t(inputIndex)) == site.layer().output ? InPlace::CellByCell
                                                               : InPlace::Never;
}

void parseNothing(const AttributeMap &, llvm::StringRef, std::vector<Layer> &) {}

void parseActivationEpilogue(const AttributeMap &attrs, llvm::StringRef,
                             std::vector<Layer> &layers) {
  layers.front().activation = activationOr(attrs);
}

llvm::Expected<Shape> sameShapeAsInput(ShapeSite &site) {
  return site.input();
}

std::vector<ParameterTensor> noParameters(const OpSite &) {
  return {};
}

InputNeed sameRegion(const OpSite &, int, const MapRegion &output) {
  return {output};
}

int64_t onePerOutput(const OpSite &site) {
  return site.layer().output.elements();
}

int64_t noMacs(const OpSite &) {
  return 0;
}

KernelClass elementwiseClass(const OpSite &) {
  return KernelClass::Elementwise;
}

KernelClass reduceClass(const OpSite &) {
  return KernelClass::Reduce;
}

KernelClass copyClass(const OpSite &) {
  return KernelClass::Copy;
}

WeightPacking noWeights(const OpSite &) {
  return WeightPacking::None;
}

std::optional<KernelParams> noKernelParams(const OpSite &) {
  return std::nullopt;
}

} // namespace ops
} // namespace tessel
