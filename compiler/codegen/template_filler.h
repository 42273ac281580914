// Fills the code templates in codegen_templates/.
//
// Templates are plain source files with @name@ placeholders, so they read
// like the code they produce (no doubled braces). fillTemplate turns a
// template into an fmt format string and formats it with named arguments;
// a placeholder without a value, or a value no placeholder uses, is an error
// in the compiler itself, caught by the golden tests.
#pragma once

#include "llvm/Support/Error.h"

#include <map>
#include <string>

namespace tessel {

using TemplateValues = std::map<std::string, std::string>;

// `name` is the file name in codegen_templates/, e.g. "network.h.in".
llvm::Expected<std::string> fillTemplate(const std::string &name, const TemplateValues &values);

// The same for a template given as text.
llvm::Expected<std::string> fillTemplateText(const std::string &text, const TemplateValues &values);

} // namespace tessel
