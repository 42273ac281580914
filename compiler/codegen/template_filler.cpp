#include "codegen/template_filler.h"

#include "support/embedded_files.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include <cctype>
#include <set>

namespace tessel {
namespace {

llvm::Error templateError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "internal: " + message);
}

bool isPlaceholderChar(char ch) {
  return std::islower(static_cast<unsigned char>(ch)) ||
         std::isdigit(static_cast<unsigned char>(ch)) || ch == '_';
}

} // namespace

llvm::Expected<std::string> fillTemplateText(const std::string &text,
                                             const TemplateValues &values) {
  // Translate "@name@" into "{name}" and escape fmt's braces.
  std::string formatString;
  std::set<std::string> used;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '{' || ch == '}') {
      formatString += {ch, ch};
      continue;
    }
    size_t end = i + 1;
    while (ch == '@' && end < text.size() && isPlaceholderChar(text[end]))
      ++end;
    if (ch == '@' && end > i + 1 && end < text.size() && text[end] == '@') {
      std::string name = text.substr(i + 1, end - i - 1);
      if (!values.count(name))
        return templateError(fmt::format("template placeholder @{}@ has no value", name));
      used.insert(name);
      formatString += "{" + name + "}";
      i = end;
      continue;
    }
    formatString += ch;
  }
  for (const auto &[name, value] : values)
    if (!used.count(name))
      return templateError(fmt::format("value '{}' matches no template placeholder", name));

  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (const auto &[name, value] : values)
    args.push_back(fmt::arg(name.c_str(), value));
  return fmt::vformat(formatString, args);
}

llvm::Expected<std::string> fillTemplate(const std::string &name, const TemplateValues &values) {
  for (const EmbeddedFile &file : embeddedFiles())
    if (file.path == "codegen_templates/" + name)
      return fillTemplateText(std::string(file.text), values);
  return templateError("no code template named " + name);
}

} // namespace tessel
