// The graph IR: a network is a DAG of layers in topological order, batch 1.
//
// The frontend fills it from YAML (with source locations for diagnostics),
// shape inference fills `output`, and the normalize pass rewrites it into the
// form code generation consumes (batch norm folded into convolutions,
// activations attached to their producers).
#pragma once

#include "ir/attributes.h"
#include "support/source_loc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel {

// A feature map of one image: channels x height x width. Stored NCHW when it
// crosses the user-facing interface.
struct Shape {
  int c = 0;
  int h = 0;
  int w = 0;
  int64_t elements() const { return int64_t(c) * h * w; }
  bool operator==(const Shape &o) const { return c == o.c && h == o.h && w == o.w; }
  bool operator!=(const Shape &o) const { return !(*this == o); }
};

// Parameters a layer owns, as float32, in the layout documented in
// docs/network-format.md (the same order as a weight file stores them).
struct LayerWeights {
  std::vector<float> weight; // conv: [O][I/groups][KH][KW]; fc: [O][I]
  std::vector<float> bias;   // [O]
  // batch norm: per channel
  std::vector<float> gamma, beta, mean, variance;
};

struct Layer {
  std::string name;
  OpKind op = OpKind::Input;
  std::vector<int> inputs; // indices of earlier layers
  SourceLoc loc;

  // The op's own attributes: the alternative its op description names
  // (ops/op_table.h), std::monostate for ops without any.
  OpAttributes attributes;
  // The activation applied to this layer's result: the op itself for
  // OpKind::Activation, or an epilogue fused into conv/fc/add.
  Activation activation;

  LayerWeights weights;
  Shape output; // filled by shape inference

  // The attributes of a conv2d, a pooling layer, ... A layer whose
  // attributes were never set has the defaults; asking a layer for another
  // op's attributes aborts (a compiler bug). The mutable forms set the
  // defaults first, so code can build a layer field by field.
  const ConvAttrs &conv() const { return attributesOf<ConvAttrs>(); }
  ConvAttrs &conv() { return attributesOf<ConvAttrs>(); }
  const PoolAttrs &pool() const { return attributesOf<PoolAttrs>(); }
  PoolAttrs &pool() { return attributesOf<PoolAttrs>(); }
  const BatchNormAttrs &batchNorm() const { return attributesOf<BatchNormAttrs>(); }
  BatchNormAttrs &batchNorm() { return attributesOf<BatchNormAttrs>(); }
  const FullyConnectedAttrs &fc() const { return attributesOf<FullyConnectedAttrs>(); }
  FullyConnectedAttrs &fc() { return attributesOf<FullyConnectedAttrs>(); }
  const UpsampleAttrs &upsample() const { return attributesOf<UpsampleAttrs>(); }
  UpsampleAttrs &upsample() { return attributesOf<UpsampleAttrs>(); }
  const ReorgAttrs &reorg() const { return attributesOf<ReorgAttrs>(); }
  ReorgAttrs &reorg() { return attributesOf<ReorgAttrs>(); }

private:
  template <typename Attrs> const Attrs &attributesOf() const {
    static const Attrs defaults{};
    return std::holds_alternative<std::monostate>(attributes) ? defaults
                                                              : std::get<Attrs>(attributes);
  }
  template <typename Attrs> Attrs &attributesOf() {
    if (std::holds_alternative<std::monostate>(attributes))
      attributes.emplace<Attrs>();
    return std::get<Attrs>(attributes);
  }
};

struct Network {
  std::string name;
  SourceLoc loc;             // the description file
  SourceLoc nameLoc;         // its `name:` value
  std::string weightsFile;   // the weights file read; empty for random weights
  Shape inputShape;          // as declared (after any size override)
  std::vector<Layer> layers; // layers[0] is the Input layer

  // Number of float parameters the network reads from its weights.
  int64_t parameterCount() const;
  int indexOf(const std::string &layerName) const; // -1 if absent
  // Layers that read layer `index`, in order.
  std::vector<int> consumersOf(int index) const;
  // consumersOf for every layer at once, in one pass over the network.
  std::vector<std::vector<int>> allConsumers() const;
  int outputIndex() const { return int(layers.size()) - 1; }
};

// The network's layers and shapes without their parameters: what planning
// and the latency model read, cheap to copy.
Network withoutWeights(const Network &net);
// The same for one layer: everything but its weights.
Layer withoutWeights(const Layer &layer);

// True for a convolution the depthwise kernel runs: one input channel per group.
bool isDepthwise(const Layer &conv, const Shape &input);

// "CxHxW", the way messages print shapes.
std::string formatShape(const Shape &shape);

const char *opName(OpKind op);              // "conv2d", ...
const char *activationName(ActivationKind); // "leaky", ...

} // namespace tessel
