// The graph IR: a network is a DAG of layers in topological order, batch 1.
//
// The frontend fills it from YAML (with source locations for diagnostics),
// shape inference fills `output`, and the normalize pass rewrites it into the
// form code generation consumes (batch norm folded into convolutions,
// activations attached to their producers).
#pragma once

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

enum class OpKind {
  Input,      // the network input; always layer 0
  Conv2d,     // incl. grouped and depthwise
  BatchNorm,  // per-channel affine from statistics; folded away by normalize
  Activation, // stand-alone activation; attached to its producer by normalize
  MaxPool,
  AvgPool,
  GlobalAvgPool,
  FullyConnected, // flattens its input in NCHW order
  Add,            // element-wise sum of two or more inputs of equal shape
  Concat,         // along channels, in input order
  Softmax,        // over all elements of its input (a vector after FC / GAP)
};

enum class ActivationKind { Linear, Relu, Relu6, Leaky, Sigmoid };

struct Activation {
  ActivationKind kind = ActivationKind::Linear;
  float alpha = 0.1f; // slope for Leaky
};

// Explicit zero padding on each side of a spatial map.
struct Padding {
  int top = 0;
  int left = 0;
  int bottom = 0;
  int right = 0;
};

struct ConvAttrs {
  int outChannels = 0;
  int kernelH = 1, kernelW = 1;
  int strideH = 1, strideW = 1;
  int dilationH = 1, dilationW = 1;
  int groups = 1;
  bool depthwise = false;   // `groups: depthwise`; shape inference sets groups = input channels
  bool samePadding = false; // resolved into `padding` by shape inference
  Padding padding;
  bool bias = true;
};

struct BatchNormAttrs {
  float epsilon = 1e-5f;
};

struct PoolAttrs {
  int kernelH = 2, kernelW = 2;
  int strideH = 2, strideW = 2;
  bool samePadding = false; // resolved into `padding` by shape inference
  Padding padding;
  bool ceilMode = false;
  // AvgPool only: divide by the full window (true) or by the number of
  // in-bounds elements (false, as Darknet, PyTorch count_include_pad=False).
  bool countIncludePad = false;
};

struct FullyConnectedAttrs {
  int outFeatures = 0;
  bool bias = true;
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

  ConvAttrs conv;
  BatchNormAttrs batchNorm;
  PoolAttrs pool;
  FullyConnectedAttrs fc;
  // The activation applied to this layer's result: the op itself for
  // OpKind::Activation, or an epilogue fused into conv/fc/add.
  Activation activation;

  LayerWeights weights;
  Shape output; // filled by shape inference
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

// True for a convolution the depthwise kernel runs: one input channel per group.
bool isDepthwise(const Layer &conv, const Shape &input);

// "CxHxW", the way messages print shapes.
std::string formatShape(const Shape &shape);

const char *opName(OpKind op);              // "conv2d", ...
const char *activationName(ActivationKind); // "leaky", ...

} // namespace tessel
