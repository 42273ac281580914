#include "target/memory_budget.h"

namespace tessel {

const char *budgetItemName(BudgetItem item) {
  switch (item) {
  case BudgetItem::Arena: return "arena";
  case BudgetItem::Weights: return "weights";
  }
  return "?";
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
