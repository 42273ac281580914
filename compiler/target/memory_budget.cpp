#include "target/memory_budget.h"

#include "support/limits.h"

#include <fmt/format.h>

namespace tessel {

const char *budgetItemName(BudgetItem item) {
  switch (item) {
  case BudgetItem::Arena: return "arena";
  case BudgetItem::Weights: return "weights";
  }
  return "?";
}

int64_t addressableBytes(const TargetProfile &target) {
  return target.triple.isArch64Bit() ? kMaxAddressable64Bytes : kMaxAddressable32Bytes;
}

std::string describeAddressSpace(const TargetProfile &target) {
  return fmt::format("{} ({}-bit, {})", target.name, target.triple.isArch64Bit() ? 64 : 32,
                     target.triple.str());
}

BudgetUse accountBudget(const TargetProfile &target, int64_t arenaBytes, int64_t weightBytes,
                        std::optional<int64_t> commandLineBudget) {
  BudgetUse use;
  for (BudgetItem item : target.budgetCounts) {
    use.countedBytes += item == BudgetItem::Arena ? arenaBytes : weightBytes;
    if (!use.counted.empty())
      use.counted += " + ";
    use.counted += budgetItemName(item);
  }
  use.budgetFromCommandLine = commandLineBudget.has_value();
  use.budget = commandLineBudget ? commandLineBudget : target.defaultBudget;
  return use;
}

} // namespace tessel
