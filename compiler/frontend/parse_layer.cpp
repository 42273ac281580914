#include "frontend/parse_layer.h"

#include "ops/op_table.h"
#include "support/attribute_map.h"
#include "support/nearest_name.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

namespace tessel {
namespace {

bool isLayerName(llvm::StringRef name) {
  auto isNameChar = [](char c) { return llvm::isAlnum(c) || c == '_' || c == '.' || c == '-'; };
  return !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
         llvm::all_of(name, isNameChar);
}

std::string readLayerName(const YAML::Node &node, const ReadContext &context) {
  std::string name = readString(node, context, "name");
  if (!isLayerName(name))
    context.fail(node, fmt::format("layer name '{}' must start with a letter or '_' and contain "
                                   "only letters, digits, '_', '.' and '-'",
                                   name));
  if (name == "input")
    context.fail(node, "the name 'input' is reserved for the network input");
  return name;
}

FoundSpelling readOp(const YAML::Node &node, const ReadContext &context) {
  const std::string name = readString(node, context, "op");
  if (FoundSpelling found = findOpSpelling(name); found.op)
    return found;
  const std::vector<llvm::StringRef> names = opSpellingNames();
  std::string problem = fmt::format("unknown op '{}'", name);
  if (std::optional<std::string> suggestion = nearestName(name, names))
    problem += fmt::format(" (did you mean '{}'?)", *suggestion);
  problem += fmt::format("; known ops: {}", llvm::join(names, ", "));
  context.fail(node, problem);
}

} // namespace

LayerEntry parseLayerEntry(const YAML::Node &node, ReadContext &context) {
  context.layer.clear();
  AttributeMap attrs(node, context, "each layer");
  // Without name or op, a misspelled key is the likely cause: say so.
  if (!attrs.has("name"))
    attrs.allowOnly(allLayerAttributes(), "a layer");
  LayerEntry entry;
  entry.nameNode = attrs.require("name");
  Layer layer;
  layer.name = readLayerName(entry.nameNode, context);
  context.layer = layer.name;
  if (!attrs.has("op"))
    attrs.allowOnly(allLayerAttributes(), "a layer");
  const FoundSpelling op = readOp(attrs.require("op"), context);
  std::vector<llvm::StringRef> allowed = commonLayerAttributes();
  allowed.insert(allowed.end(), op.spelling->attributes.begin(), op.spelling->attributes.end());
  attrs.allowOnly(allowed, op.spelling->name);
  layer.op = op.op->kind;
  layer.loc = context.locOf(node);
  entry.inputs = attrs.find("inputs");
  entry.attributeLocations = attrs.valueLocations();
  entry.layers.push_back(layer);
  op.op->parse(attrs, op.spelling->name, entry.layers);
  return entry;
}

} // namespace tessel
