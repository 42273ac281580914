#include "ops/op_table.h"

#include "ops/op_kinds.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"

namespace tessel {

const OpDescription &describeOp(OpKind kind) {
  switch (kind) {
  case OpKind::Input: return ops::input();
  case OpKind::Conv2d: return ops::conv2d();
  case OpKind::BatchNorm: return ops::batchNorm();
  case OpKind::Activation: return ops::activation();
  case OpKind::MaxPool: return ops::maxPool();
  case OpKind::AvgPool: return ops::avgPool();
  case OpKind::GlobalAvgPool: return ops::globalAvgPool();
  case OpKind::FullyConnected: return ops::fullyConnected();
  case OpKind::Add: return ops::add();
  case OpKind::Concat: return ops::concat();
  case OpKind::Softmax: return ops::softmax();
  case OpKind::Upsample: return ops::upsample();
  case OpKind::Reorg: return ops::reorg();
  case OpKind::Multiply: return ops::multiply();
  case OpKind::FlattenConcat: return ops::flattenConcat();
  }
  llvm::report_fatal_error("describeOp: not an OpKind", /*gen_crash_diag=*/false);
}

const char *opName(OpKind op) {
  return describeOp(op).name.data(); // the names are string literals
}

namespace {

// Every op, in OpKind order (which is the order messages list them in).
template <typename Visit> void forEachOp(Visit visit) {
  for (int kind = 0; kind < kOpKindCount; ++kind)
    visit(describeOp(OpKind(kind)));
}

} // namespace

FoundSpelling findOpSpelling(llvm::StringRef name) {
  FoundSpelling found;
  forEachOp([&](const OpDescription &op) {
    for (const OpSpelling &spelling : op.spellings)
      if (spelling.name == name && !found.op)
        found = {&op, &spelling};
  });
  return found;
}

std::vector<llvm::StringRef> opSpellingNames() {
  std::vector<llvm::StringRef> names;
  forEachOp([&](const OpDescription &op) {
    for (const OpSpelling &spelling : op.spellings)
      names.push_back(spelling.name);
  });
  return names;
}

const std::vector<llvm::StringRef> &commonLayerAttributes() {
  static const std::vector<llvm::StringRef> keys = {"name", "op", "inputs"};
  return keys;
}

std::vector<llvm::StringRef> allLayerAttributes() {
  std::vector<llvm::StringRef> keys = commonLayerAttributes();
  forEachOp([&](const OpDescription &op) {
    for (const OpSpelling &spelling : op.spellings)
      for (llvm::StringRef key : spelling.attributes)
        if (!llvm::is_contained(keys, key))
          keys.push_back(key);
  });
  return keys;
}

} // namespace tessel
