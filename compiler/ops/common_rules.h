// Rules many op descriptions share, to name in their records.
#pragma once

#include "ops/op_description.h"

namespace tessel::ops {

// The start of an element-wise op's description: the input's shape, the
// same region of every input, calls split across threads, kernel class
// Elementwise, the output written over an input of its shape.
OpDescription elementwiseOp(OpKind kind, llvm::StringRef name);

// parse: no attributes of its own.
void parseNothing(const AttributeMap &attrs, llvm::StringRef spelling, std::vector<Layer> &layers);
// parse: only `activation`.
void parseActivationEpilogue(const AttributeMap &attrs, llvm::StringRef spelling,
                             std::vector<Layer> &layers);

// inferShape: the input's shape.
llvm::Expected<Shape> sameShapeAsInput(ShapeSite &site);

std::vector<ParameterTensor> noParameters(const OpSite &site);

// inputNeed of element-wise ops: the same cells of every input.
InputNeed sameRegion(const OpSite &site, int inputIndex, const MapRegion &output);

// macs: one per output element, or none (data movement only).
int64_t onePerOutput(const OpSite &site);
int64_t noMacs(const OpSite &site);

KernelClass elementwiseClass(const OpSite &site);

// inPlace of element-wise kernels: cell by cell over an input of the
// output's shape.
InPlace overSameShapedInput(const OpSite &site, int inputIndex);
KernelClass reduceClass(const OpSite &site);
KernelClass copyClass(const OpSite &site);

WeightPacking noWeights(const OpSite &site);
std::optional<KernelParams> noKernelParams(const OpSite &site);

} // namespace tessel::ops
