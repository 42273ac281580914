#include "support/parse_error.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <vector>

namespace tessel {
namespace {

// Records where each document starts and ignores everything else.
class DocumentStarts final : public YAML::EventHandler {
public:
  std::vector<YAML::Mark> marks;

  void OnDocumentStart(const YAML::Mark &mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark &, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t,
                const std::string &) override {}
  void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

} // namespace

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

YAML::Node loadSingleDocument(const std::string &text, const ReadContext &context) {
  YAML::Node root = YAML::Load(text);
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  while (starts.marks.size() < 2 && parser.HandleNextDocument(starts)) {
  }
  if (starts.marks.size() > 1)
    context.fail(sourceLocOf(context.file, starts.marks[1]),
                 "a second YAML document starts here; the file must hold exactly one");
  return root;
}

} // namespace tessel
