// The table of op descriptions (ops/op_description.h), indexed by OpKind.
#pragma once

#include "ops/op_description.h"

#include "llvm/ADT/StringRef.h"

#include <vector>

namespace tessel {

const OpDescription &describeOp(OpKind kind);

// The op and spelling a description's `op: NAME` names; nullptr if none.
struct FoundSpelling {
  const OpDescription *op = nullptr;
  const OpSpelling *spelling = nullptr;
};
FoundSpelling findOpSpelling(llvm::StringRef name);

// Every name `op:` accepts, in table order.
std::vector<llvm::StringRef> opSpellingNames();

// Every key any layer may have: typos in `name` or `op` are caught against it.
std::vector<llvm::StringRef> allLayerAttributes();

// The keys every layer may have: name, op, inputs.
const std::vector<llvm::StringRef> &commonLayerAttributes();

} // namespace tessel
