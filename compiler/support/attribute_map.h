// The keys of one YAML map in a network description (a layer, `input`,
// `weights`, an activation). Finds values, reports missing and duplicate
// keys, and rejects unknown keys with a suggestion: a misspelled optional
// attribute must not be silently ignored.
#pragma once

#include "support/parse_error.h"
#include "support/yaml_values.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace tessel {

class AttributeMap {
public:
  // Fails unless `node` is a map with distinct plain keys. `what` names the
  // map in that message ("the network", "'input'", ...). The context is
  // kept by reference, so a layer name set later shows in later messages.
  AttributeMap(const YAML::Node &node, const ReadContext &context, llvm::StringRef what);

  // Fails on the first key not in `known`; `owner` names the map's kind in
  // the message ("conv2d", "input", ...).
  void allowOnly(llvm::ArrayRef<llvm::StringRef> known, llvm::StringRef owner) const;

  bool has(llvm::StringRef key) const { return find(key).has_value(); }
  std::optional<YAML::Node> find(llvm::StringRef key) const;
  // Fails at the map when the key is absent.
  YAML::Node require(llvm::StringRef key) const;

  // Typed lookups; the *Or forms return `fallback` when the key is absent.
  int integer(llvm::StringRef key, IntRange range = {}) const;
  int integerOr(llvm::StringRef key, int fallback, IntRange range = {}) const;
  bool flagOr(llvm::StringRef key, bool fallback) const;
  double numberOr(llvm::StringRef key, double fallback) const;
  SpatialPair spatial(llvm::StringRef key) const;
  SpatialPair spatialOr(llvm::StringRef key, SpatialPair fallback) const;

  // Where each key's value was written.
  llvm::StringMap<SourceLoc> valueLocations() const;
  const YAML::Node &node() const { return node_; }
  const ReadContext &context() const { return context_; }

private:
  struct Entry {
    std::string key;
    YAML::Node keyNode;
    YAML::Node value;
  };

  YAML::Node node_;
  const ReadContext &context_;
  std::vector<Entry> entries_; // in the order written
};

} // namespace tessel
