// How the description parser reports problems. Parsing stops at the first
// one: the readers throw ParseError, and parseNetworkDescription turns it into
// an llvm::Error, so the exception never leaves the frontend.
#pragma once

#include "support/source_loc.h"

#include <yaml-cpp/yaml.h>

#include <string>

namespace tessel {

struct ParseError {
  SourceLoc loc;
  std::string layer; // empty outside any layer
  std::string problem;
};

// What a reader needs to report a problem: the file, and the name of the
// layer being read (empty at top level or before the name is known).
struct ReadContext {
  std::string file;
  std::string layer;

  SourceLoc locOf(const YAML::Node &node) const;
  [[noreturn]] void fail(const YAML::Node &node, std::string problem) const;
  [[noreturn]] void fail(const SourceLoc &loc, std::string problem) const;
};

// 1-based position of a yaml-cpp mark; line 0 when the mark is unknown.
SourceLoc sourceLocOf(const std::string &file, const YAML::Mark &mark);

// The one YAML document in `text`. YAML::Load would silently ignore any
// further document; this throws ParseError at the start of the second.
YAML::Node loadSingleDocument(const std::string &text, const ReadContext &context);

} // namespace tessel
