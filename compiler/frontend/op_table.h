// The ops a network description may name in `op:`, and the attributes each
// accepts (docs/network-format.md, "Layers").
#pragma once

#include "ir/network.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace tessel {

struct OpInfo {
  llvm::StringRef name; // as written after `op:`
  OpKind kind;
  // For the stand-alone activation ops (relu, leaky, ...): which one.
  ActivationKind activation = ActivationKind::Linear;
  // Every key a layer of this op may have, including name, op and inputs.
  std::vector<llvm::StringRef> attributes;
};

const std::vector<OpInfo> &knownOps();

// nullptr when `name` is not an op.
const OpInfo *findOp(llvm::StringRef name);

// Every key any layer may have: typos in `name` or `op` are caught against it.
std::vector<llvm::StringRef> allLayerAttributes();

} // namespace tessel
