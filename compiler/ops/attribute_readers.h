// Readers for attributes several ops share: the activation epilogue, batch
// norm's epsilon, and the sliding window of conv2d and pooling. Each fails
// through the map's context at the value at fault.
#pragma once

#include "ir/network.h"
#include "support/attribute_map.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace tessel {

// The activation a stand-alone activation op's spelling names ("relu", ...).
// An activation of `kind` with its default slope (0.1 for leaky, 0.2 for
// hard_sigmoid).
Activation withDefaultSlope(ActivationKind kind);

std::optional<ActivationKind> activationNamed(llvm::StringRef name);

// `activation: NAME` or `activation: {type: leaky, alpha: 0.2}`; linear when absent.
Activation activationOr(const AttributeMap &attrs);

// `epsilon`, positive; 1e-5 when absent.
float epsilonOr(const AttributeMap &attrs);

// kernel (required), stride (default: `defaultStride`, or the kernel when
// absent), dilation (when `dilated`), padding (same, valid, an integer,
// [h, w] or [top, left, bottom, right]).
struct WindowDefaults {
  bool strideIsKernel = false; // pooling: stride defaults to the kernel, conv to 1
  bool dilated = false;        // conv reads `dilation`, pooling has none
};
KernelWindow readKernelWindow(const AttributeMap &attrs, WindowDefaults defaults);

} // namespace tessel
