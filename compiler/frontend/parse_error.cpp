#include "frontend/parse_error.h"

namespace tessel {

SourceLoc sourceLocOf(const std::string &file, const YAML::Mark &mark) {
  if (mark.is_null() || mark.line < 0)
    return SourceLoc{file, 0, 0};
  return SourceLoc{file, mark.line + 1, mark.column + 1};
}

SourceLoc ReadContext::locOf(const YAML::Node &node) const {
  return sourceLocOf(file, node.Mark());
}

void ReadContext::fail(const YAML::Node &node, std::string problem) const {
  fail(locOf(node), std::move(problem));
}

void ReadContext::fail(const SourceLoc &loc, std::string problem) const {
  throw ParseError{loc, layer, std::move(problem)};
}

} // namespace tessel
