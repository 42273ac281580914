#include "codegen/escaping.h"

#include <fmt/format.h>

namespace tessel {
namespace {

bool isControl(char ch) {
  const auto byte = static_cast<unsigned char>(ch);
  return byte < 0x20 || byte == 0x7f;
}

} // namespace

std::string commentText(std::string_view text) {
  std::string out;
  for (char ch : text) {
    const char shown = isControl(ch) ? '?' : ch == '\\' ? '/' : ch;
    // "*/" would end a block comment, "/*" opens a nested one (-Wcomment).
    if (!out.empty() &&
        ((out.back() == '*' && shown == '/') || (out.back() == '/' && shown == '*')))
      out += ' ';
    out += shown;
  }
  return out;
}

std::string stringLiteral(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\')
      out += {'\\', ch};
    else if (ch == '?' && out.back() == '?')
      out += "\\?";
    else if (isControl(ch)) // three octal digits: a following digit cannot extend it
      out += fmt::format("\\{:03o}", static_cast<unsigned char>(ch));
    else
      out += ch;
  }
  return out + "\"";
}

} // namespace tessel
