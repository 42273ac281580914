// The names `inputs` may refer to, growing as layers are read top to bottom.
#pragma once

#include "support/parse_error.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <string>

namespace tessel {

class LayerNames {
public:
  // `writtenNames`: every layer name in the description, to tell a reference
  // to a layer further down from a misspelling. "input" is defined already.
  explicit LayerNames(llvm::StringSet<> writtenNames);

  // Fails at `where` when `name` is taken.
  void define(const std::string &name, int index, const SourceLoc &where,
              const ReadContext &context);

  // The index of the layer `node` names, for the layer being read (named by
  // context.layer). Fails on unknown names and on layers not above it.
  int resolve(const YAML::Node &node, const ReadContext &context) const;

private:
  struct Definition {
    int index;
    SourceLoc loc;
  };
  llvm::StringMap<Definition> defined_;
  llvm::StringSet<> writtenNames_;
};

} // namespace tessel
