#include "ops/emit_helpers.h"

#include <cmath>

namespace tessel {

std::string floatLiteral(float value) {
  if (std::isnan(value))
    return "__builtin_nanf(\"\")";
  if (std::isinf(value))
    return value > 0 ? "__builtin_inff()" : "-__builtin_inff()";
  std::string text = fmt::format("{}", value); // shortest round-trip form
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text + "f";
}

std::string slopeLiteral(const Activation &activation) {
  const bool sloped =
      activation.kind == ActivationKind::Leaky || activation.kind == ActivationKind::HardSigmoid;
  return floatLiteral(sloped ? activation.alpha : 0.0f);
}

std::string regionKernelCall(const std::string &kernel, const std::string &leadingArguments,
                             const std::string &inputView, const std::string &outputView,
                             const std::string &region, const std::string &indent) {
  return fmt::format("tessel::{}({},\n{}  {},\n{}  {},\n{}  {});", kernel, leadingArguments, indent,
                     inputView, indent, outputView, indent, region);
}

std::string regionKernelCall(const std::string &kernel, const CallPieces &call) {
  return regionKernelCall(kernel, call.params, call.inputViews[0], call.outputView, call.region,
                          call.indent);
}

std::string inputViewArray(const CallPieces &call) {
  std::string items;
  for (const std::string &view : call.inputViews)
    items += fmt::format("{}    {},\n", call.indent, view);
  return fmt::format("{{\n{}  const tessel::ConstMapView inputs[] = {{\n{}{}  }};\n", call.indent,
                     items, call.indent);
}

} // namespace tessel
