// User text (file, network and layer names, schedules) as it may appear in
// generated files. Each function makes the text safe for one context, so it
// can neither end that context early nor change the code around it.
#pragma once

#include <string>
#include <string_view>

namespace tessel {

// Text for any comment tessel writes: C and C++ `//` and `/* */` comments,
// CMake `#` comments, comments in the assembler file. It stays on its line
// (control characters, newlines included, become '?'), a `//` comment cannot
// continue onto the next line (backslashes become '/') and a block comment
// cannot end early nor nest ("*/" becomes "* /", "/*" becomes "/ *").
std::string commentText(std::string_view text);

// A C and C++ string literal, quotes included, that reads back as `text`:
// quotes, backslashes and control characters escaped, "??" split so that no
// trigraph forms when a C compiler reads it.
std::string stringLiteral(std::string_view text);

} // namespace tessel
