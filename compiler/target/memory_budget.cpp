#include "target/memory_budget.h"

#include "support/byte_size.h"
#include "support/limits.h"

#include "llvm/ADT/STLExtras.h"

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
  use.budget = effectiveBudget(target, commandLineBudget);
  return use;
}

std::optional<int64_t> effectiveBudget(const TargetProfile &target,
                                       std::optional<int64_t> askedBudget) {
  return askedBudget ? askedBudget : target.defaultBudget;
}

bool countsWeights(const TargetProfile &target) {
  return llvm::is_contained(target.budgetCounts, BudgetItem::Weights);
}

std::string limitBudgetToAddressSpace(TargetProfile &target, std::optional<int64_t> &askedBudget) {
  std::optional<int64_t> &budget = askedBudget ? askedBudget : target.defaultBudget;
  const int64_t addressable = addressableBytes(target);
  if (!budget || *budget <= addressable)
    return "";
  const std::string what = askedBudget ? "--budget" : target.name + "'s default budget";
  std::string warning = fmt::format(
      "{} of {} bytes ({}) is more than {} can address; using {} bytes ({})", what, *budget,
      formatBytes(*budget), describeAddressSpace(target), addressable, formatBytes(addressable));
  budget = addressable;
  return warning;
}

namespace {

// The network needs more than the target can address, whatever the budget.
llvm::Error beyondAddressSpace(const TargetProfile &target, const std::string &needs) {
  const int64_t addressable = addressableBytes(target);
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      fmt::format("{}, more than {} can address: at most {} bytes ({}) of arena and weights", needs,
                  describeAddressSpace(target), addressable, formatBytes(addressable)));
}

std::string whichBudget(const TargetProfile &target, bool fromCommandLine) {
  return fromCommandLine ? "budget" : target.name + "'s default budget";
}

} // namespace

llvm::Expected<ArenaLimit> searchArenaLimit(const TargetProfile &target,
                                            std::optional<int64_t> budget, int64_t weightBound) {
  const int64_t addressable = addressableBytes(target);
  if (weightBound >= addressable)
    return beyondAddressSpace(target, fmt::format("the weights take up to {} bytes", weightBound));
  ArenaLimit limit;
  // The address space bounds the arena even without a budget.
  limit.bytes = addressable - weightBound;
  if (budget) {
    const int64_t arenaBudget = *budget - (countsWeights(target) ? weightBound : 0);
    if (arenaBudget < limit.bytes)
      return ArenaLimit{arenaBudget, false};
  }
  limit.setByAddressSpace = true;
  return limit;
}

llvm::Error noScheduleFits(const TargetProfile &target, const ArenaLimit &limit,
                           std::optional<int64_t> askedBudget, int64_t smallestArena,
                           int64_t weightBound, const std::string &schedule,
                           const std::string &searched) {
  if (limit.setByAddressSpace)
    return beyondAddressSpace(target,
                              fmt::format("the smallest arena tessel reaches is {} bytes ({}), "
                                          "with up to {} bytes of weights",
                                          smallestArena, formatBytes(smallestArena), weightBound));
  const int64_t budget = *effectiveBudget(target, askedBudget);
  std::string needs = fmt::format("{} bytes ({})", smallestArena, formatBytes(smallestArena));
  if (countsWeights(target))
    needs = fmt::format("an arena of {} plus up to {} bytes of weights", needs, weightBound);
  else
    needs = "an arena of " + needs;
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      fmt::format("no schedule fits the {} of {} bytes ({}): the smallest tessel reaches is {}, "
                  "with the schedule '{}' ({})",
                  whichBudget(target, askedBudget.has_value()), budget, formatBytes(budget), needs,
                  schedule, searched));
}

llvm::Expected<BudgetUse> checkGeneratedFits(const TargetProfile &target, int64_t arenaBytes,
                                             int64_t weightBytes,
                                             std::optional<int64_t> askedBudget,
                                             const std::string &schedule) {
  if (arenaBytes + weightBytes > addressableBytes(target))
    return beyondAddressSpace(
        target, fmt::format("the network needs an arena of {} bytes ({}) and {} "
                            "bytes of weights with the schedule '{}'",
                            arenaBytes, formatBytes(arenaBytes), weightBytes, schedule));
  const BudgetUse use = accountBudget(target, arenaBytes, weightBytes, askedBudget);
  if (use.fits())
    return use;
  const bool arenaOnly = target.budgetCounts == std::vector<BudgetItem>{BudgetItem::Arena};
  const std::string needs =
      arenaOnly ? fmt::format("an arena of {} bytes ({})", arenaBytes, formatBytes(arenaBytes))
                : fmt::format("{} bytes ({}: {})", use.countedBytes, formatBytes(use.countedBytes),
                              use.counted);
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      fmt::format("the network needs {} with the schedule '{}', over the {} of {} bytes ({})",
                  needs, schedule, whichBudget(target, use.budgetFromCommandLine), *use.budget,
                  formatBytes(*use.budget)));
}

} // namespace tessel
