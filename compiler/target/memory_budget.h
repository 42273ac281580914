// What counts against a board's memory budget, and whether a network fits.
//
// On a Linux board the weights are loaded into the same RAM as the arena, so
// both count; on a microcontroller the weights stay in flash and only the
// arena takes RAM. The profile's `budget_counts` says which.
#pragma once

#include "target/target_profile.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tessel {

struct BudgetUse {
  int64_t countedBytes = 0;      // the sum of the items the target counts
  std::string counted;           // those items, "arena" or "arena + weights"
  std::optional<int64_t> budget; // from --budget, else the profile's default; none: no limit
  bool budgetFromCommandLine = false;

  bool fits() const { return !budget || countedBytes <= *budget; }
};

// The budget a compile holds to: the one asked for, else the profile's
// default; none means no limit.
std::optional<int64_t> effectiveBudget(const TargetProfile &target,
                                       std::optional<int64_t> askedBudget);

// `commandLineBudget`, when given, replaces the profile's default budget.
BudgetUse accountBudget(const TargetProfile &target, int64_t arenaBytes, int64_t weightBytes,
                        std::optional<int64_t> commandLineBudget);

// The most bytes of arena plus weights the generated code may take on the
// target, whatever its budget: kMaxAddressable32Bytes for a 32-bit triple
// (armv7, Cortex-M), kMaxAddressable64Bytes for a 64-bit one.
int64_t addressableBytes(const TargetProfile &target);

// "rpi-zero2 (32-bit, armv7-unknown-linux-gnueabihf)", for messages about
// that limit.
std::string describeAddressSpace(const TargetProfile &target);

// Whether the weights count against the target's budget (Linux boards).
bool countsWeights(const TargetProfile &target);

// A budget beyond the target's address space means "as much as it can take":
// `askedBudget` when given, else the target's default budget, is lowered to
// that limit. Returns the warning to give, "" when nothing was lowered.
std::string limitBudgetToAddressSpace(TargetProfile &target, std::optional<int64_t> &askedBudget);

// The arena a schedule search may use: the budget, less the weights when they
// count, and never more than the address space leaves beside the weights.
struct ArenaLimit {
  int64_t bytes = 0;
  bool setByAddressSpace = false; // the address space, not a budget, is the limit
};

// Fails when the weights alone need more than the target can address.
llvm::Expected<ArenaLimit> searchArenaLimit(const TargetProfile &target,
                                            std::optional<int64_t> budget, int64_t weightBound);

// The failure when the smallest arena a search reaches, `smallestArena` with
// `schedule`, is over `limit`. `searched` tells how far the search looked.
llvm::Error noScheduleFits(const TargetProfile &target, const ArenaLimit &limit,
                           std::optional<int64_t> askedBudget, int64_t smallestArena,
                           int64_t weightBound, const std::string &schedule,
                           const std::string &searched);

// How the generated code's arena and weights count against the budget; fails
// when they are more than the target can address or over the budget.
llvm::Expected<BudgetUse> checkGeneratedFits(const TargetProfile &target, int64_t arenaBytes,
                                             int64_t weightBytes,
                                             std::optional<int64_t> askedBudget,
                                             const std::string &schedule);

// "arena", "weights": the words profiles and messages use.
const char *budgetItemName(BudgetItem item);

} // namespace tessel
