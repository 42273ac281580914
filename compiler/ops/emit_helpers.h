// Small pieces of generated C++ several op descriptions print.
#pragma once

#include "ops/op_description.h"

#include <fmt/format.h>

#include <string>

namespace tessel {

// The shortest literal that reads back as exactly `value` ("0.1f").
std::string floatLiteral(float value);

// The slope a kernel with an activation epilogue takes: alpha for leaky, 0 otherwise.
std::string slopeLiteral(const Activation &activation);

inline std::string boolLiteral(bool value) {
  return value ? "true" : "false";
}

inline std::string intLiteral(int64_t value) {
  return fmt::format("{}", value);
}

// "tessel::KERNEL(ARGS,\n<indent>  VIEW_IN,\n<indent>  VIEW_OUT,\n<indent>  REGION);": a
// call on one input view, the way the region kernels are printed.
std::string regionKernelCall(const std::string &kernel, const std::string &leadingArguments,
                             const std::string &inputView, const std::string &outputView,
                             const std::string &region, const std::string &indent);
// The same for an op with one input, its pieces taken from `call`: the
// layer's params, its input view, its output view and its region.
std::string regionKernelCall(const std::string &kernel, const CallPieces &call);

// Opens a block declaring `inputs`, the array of input views add and concat
// take; the caller closes it.
std::string inputViewArray(const CallPieces &call);

} // namespace tessel
