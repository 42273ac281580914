// Shape rules conv2d and pooling share: the window's attributes in range,
// `same` padding resolved, and the output size with its diagnostics.
#pragma once

#include "ir/kernel_window.h"
#include "ops/op_site.h"

#include "llvm/Support/Error.h"

#include <utility>

namespace tessel {

// kernel, stride, dilation (if `dilated`) and padding within the limits.
llvm::Error checkWindowRanges(const ShapeSite &site, const KernelWindow &window, bool dilated);

// The explicit padding `padding: same` stands for over an input of `in`.
Padding resolveSamePadding(const KernelWindow &window, const Shape &in);

// The output height and width of sliding `window` over `in`, or why it
// cannot slide there.
llvm::Expected<std::pair<int, int>> slideWindow(const ShapeSite &site, const KernelWindow &window,
                                                const Shape &in);

} // namespace tessel
