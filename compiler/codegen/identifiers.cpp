#include "codegen/identifiers.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

namespace tessel {

std::string cIdentifier(const std::string &name) {
  std::string id;
  for (char ch : name)
    id += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0])))
    id.insert(id.begin(), 'n');
  return id;
}

std::string macroName(const std::string &identifier) {
  std::string macro = identifier;
  for (char &ch : macro)
    ch = char(std::toupper(static_cast<unsigned char>(ch)));
  return macro;
}

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

} // namespace tessel
