#include "frontend/darknet_cfg.h"

#include "support/diagnostic.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace tessel::darknet {
namespace {

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// libdarknet strips every blank of a line, not only the leading and
// trailing ones ("saturation = 1.5" is "saturation=1.5").
std::string withoutBlanks(llvm::StringRef text) {
  std::string result;
  for (char c : text)
    if (!isBlank(c))
      result += c;
  return result;
}

int firstNonBlankColumn(llvm::StringRef line) {
  size_t at = 0;
  while (at < line.size() && isBlank(line[at]))
    ++at;
  return int(at) + 1;
}

} // namespace

llvm::Expected<std::vector<CfgSection>> parseCfg(llvm::StringRef text,
                                                 const std::string &fileName) {
  std::vector<CfgSection> sections;
  int lineNumber = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++lineNumber;
    const std::string stripped = withoutBlanks(line);
    if (stripped.empty() || stripped[0] == '#' || stripped[0] == ';')
      continue;
    const SourceLoc lineLoc{fileName, lineNumber, firstNonBlankColumn(line)};
    if (stripped[0] == '[') {
      if (stripped.back() != ']' || stripped.size() < 3)
        return makeDiagnostic(lineLoc, "",
                              fmt::format("a section header is '[name]', got '{}'", stripped));
      sections.push_back({stripped.substr(1, stripped.size() - 2), lineLoc, {}});
      continue;
    }
    const size_t equals = stripped.find('=');
    if (equals == std::string::npos || equals == 0)
      return makeDiagnostic(
          lineLoc, "",
          fmt::format("expected 'key=value' or a '[section]' header, got '{}'", stripped));
    if (sections.empty())
      return makeDiagnostic(lineLoc, "",
                            "an option before the first section; the file must "
                            "start with [net]");
    const size_t equalsInLine = line.find('=');
    const size_t valueStart = line.find_if_not(isBlank, equalsInLine + 1);
    SourceLoc valueLoc = lineLoc;
    valueLoc.column = int(valueStart == llvm::StringRef::npos ? equalsInLine + 1 : valueStart) + 1;
    sections.back().options.push_back(
        {stripped.substr(0, equals), stripped.substr(equals + 1), lineLoc, valueLoc});
  }
  return sections;
}

} // namespace tessel::darknet
