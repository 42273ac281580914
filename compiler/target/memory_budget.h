// What counts against a board's memory budget, and whether a network fits.
//
// On a Linux board the weights are loaded into the same RAM as the arena, so
// both count; on a microcontroller the weights stay in flash and only the
// arena takes RAM. The profile's `budget_counts` says which.
#pragma once

#include "target/target_profile.h"

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

// "arena", "weights": the words profiles and messages use.
const char *budgetItemName(BudgetItem item);

} // namespace tessel
