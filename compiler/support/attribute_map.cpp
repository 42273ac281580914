#include "support/attribute_map.h"

#include "support/nearest_name.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace tessel {

AttributeMap::AttributeMap(const YAML::Node &node, const ReadContext &context, llvm::StringRef what)
    : node_(node), context_(context) {
  if (!node.IsMap())
    context.fail(node, fmt::format("{} must be a map, got {}", what.str(), describeValue(node)));
  for (const auto &pair : node) {
    const YAML::Node &keyNode = pair.first;
    if (!keyNode.IsScalar())
      context.fail(keyNode, fmt::format("keys must be names, got {}", describeValue(keyNode)));
    const std::string &key = keyNode.Scalar();
    for (const Entry &earlier : entries_)
      if (earlier.key == key)
        context.fail(keyNode, fmt::format("duplicate key '{}' (first given on line {})", key,
                                          context.locOf(earlier.keyNode).line));
    entries_.push_back({key, keyNode, pair.second});
  }
}

void AttributeMap::allowOnly(llvm::ArrayRef<llvm::StringRef> known, llvm::StringRef owner) const {
  for (const Entry &entry : entries_) {
    if (llvm::is_contained(known, entry.key))
      continue;
    std::string problem = fmt::format("unknown attribute '{}' for {}", entry.key, owner.str());
    if (std::optional<std::string> suggestion = nearestName(entry.key, known))
      problem += fmt::format(" (did you mean '{}'?)", *suggestion);
    else
      problem += fmt::format("; {} takes: {}", owner.str(), llvm::join(known, ", "));
    context_.fail(entry.keyNode, problem);
  }
}

std::optional<YAML::Node> AttributeMap::find(llvm::StringRef key) const {
  for (const Entry &entry : entries_)
    if (entry.key == key)
      return entry.value;
  return std::nullopt;
}

YAML::Node AttributeMap::require(llvm::StringRef key) const {
  std::optional<YAML::Node> value = find(key);
  if (!value)
    context_.fail(node_, fmt::format("missing required attribute '{}'", key.str()));
  return *value;
}

int AttributeMap::integer(llvm::StringRef key, IntRange range) const {
  return readInt(require(key), context_, key, range);
}

int AttributeMap::integerOr(llvm::StringRef key, int fallback, IntRange range) const {
  std::optional<YAML::Node> value = find(key);
  return value ? readInt(*value, context_, key, range) : fallback;
}

bool AttributeMap::flagOr(llvm::StringRef key, bool fallback) const {
  std::optional<YAML::Node> value = find(key);
  return value ? readBool(*value, context_, key) : fallback;
}

double AttributeMap::numberOr(llvm::StringRef key, double fallback) const {
  std::optional<YAML::Node> value = find(key);
  return value ? readNumber(*value, context_, key) : fallback;
}

SpatialPair AttributeMap::spatial(llvm::StringRef key) const {
  return readSpatial(require(key), context_, key, IntRange{});
}

SpatialPair AttributeMap::spatialOr(llvm::StringRef key, SpatialPair fallback) const {
  std::optional<YAML::Node> value = find(key);
  return value ? readSpatial(*value, context_, key, IntRange{}) : fallback;
}

llvm::StringMap<SourceLoc> AttributeMap::valueLocations() const {
  llvm::StringMap<SourceLoc> locations;
  for (const Entry &entry : entries_)
    locations[entry.key] = context_.locOf(entry.value);
  return locations;
}

} // namespace tessel
