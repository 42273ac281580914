#include "frontend/layer_names.h"

#include "support/nearest_name.h"
#include "support/yaml_values.h"

#include "llvm/ADT/STLExtras.h"

#include <fmt/format.h>

#include <vector>

namespace tessel {

LayerNames::LayerNames(llvm::StringSet<> writtenNames) : writtenNames_(std::move(writtenNames)) {
  defined_["input"] = Definition{0, SourceLoc{}};
}

void LayerNames::define(const std::string &name, int index, const SourceLoc &where,
                        const ReadContext &context) {
  auto [found, inserted] = defined_.try_emplace(name, Definition{index, where});
  if (!inserted)
    context.fail(where, fmt::format("duplicate layer name '{}' (first defined on line {})", name,
                                    found->second.loc.line));
}

int LayerNames::resolve(const YAML::Node &node, const ReadContext &context) const {
  const std::string name = readString(node, context, "inputs");
  auto found = defined_.find(name);
  if (found != defined_.end())
    return found->second.index;

  if (name == context.layer)
    context.fail(node, "a layer cannot read itself");
  if (writtenNames_.contains(name))
    context.fail(node, fmt::format("'{}' is defined further down; a layer may only read layers "
                                   "above it",
                                   name));
  std::vector<llvm::StringRef> candidates;
  for (const auto &definition : defined_)
    candidates.push_back(definition.getKey());
  llvm::sort(candidates); // ties go to the same name every time
  std::string problem = fmt::format("unknown layer '{}' in inputs", name);
  if (std::optional<std::string> suggestion = nearestName(name, candidates))
    problem += fmt::format(" (did you mean '{}'?)", *suggestion);
  context.fail(node, problem);
}

} // namespace tessel
