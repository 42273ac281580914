#include "frontend/op_table.h"

#include "llvm/ADT/STLExtras.h"

namespace tessel {

const std::vector<OpInfo> &knownOps() {
  using A = ActivationKind;
  static const std::vector<OpInfo> ops = {
      {"conv2d",
       OpKind::Conv2d,
       A::Linear,
       {"name", "op", "inputs", "filters", "kernel", "stride", "padding", "dilation", "groups",
        "bias", "batch_norm", "epsilon", "activation"}},
      {"batch_norm",
       OpKind::BatchNorm,
       A::Linear,
       {"name", "op", "inputs", "epsilon", "activation"}},
      {"relu", OpKind::Activation, A::Relu, {"name", "op", "inputs"}},
      {"relu6", OpKind::Activation, A::Relu6, {"name", "op", "inputs"}},
      {"sigmoid", OpKind::Activation, A::Sigmoid, {"name", "op", "inputs"}},
      {"leaky", OpKind::Activation, A::Leaky, {"name", "op", "inputs", "alpha"}},
      {"linear", OpKind::Activation, A::Linear, {"name", "op", "inputs"}},
      {"maxpool",
       OpKind::MaxPool,
       A::Linear,
       {"name", "op", "inputs", "kernel", "stride", "padding", "ceil_mode"}},
      {"avgpool",
       OpKind::AvgPool,
       A::Linear,
       {"name", "op", "inputs", "kernel", "stride", "padding", "ceil_mode", "count_include_pad"}},
      {"global_avgpool", OpKind::GlobalAvgPool, A::Linear, {"name", "op", "inputs"}},
      {"fully_connected",
       OpKind::FullyConnected,
       A::Linear,
       {"name", "op", "inputs", "units", "bias", "activation"}},
      {"add", OpKind::Add, A::Linear, {"name", "op", "inputs", "activation"}},
      {"concat", OpKind::Concat, A::Linear, {"name", "op", "inputs"}},
      {"softmax", OpKind::Softmax, A::Linear, {"name", "op", "inputs"}},
  };
  return ops;
}

const OpInfo *findOp(llvm::StringRef name) {
  for (const OpInfo &op : knownOps())
    if (op.name == name)
      return &op;
  return nullptr;
}

std::vector<llvm::StringRef> allLayerAttributes() {
  std::vector<llvm::StringRef> keys;
  for (const OpInfo &op : knownOps())
    for (llvm::StringRef key : op.attributes)
      if (!llvm::is_contained(keys, key))
        keys.push_back(key);
  return keys;
}

} // namespace tessel
