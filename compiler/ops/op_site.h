// A layer seen in its network: what the rules of an op description look at
// (the layer's attributes and the shapes of its inputs).
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <cstddef>
#include <initializer_list>
#include <string>

namespace tessel {

class OpSite {
public:
  OpSite(const Network &network, int index) : network_(network), index_(index) {}

  const Network &network() const { return network_; }
  int index() const { return index_; }
  const Layer &layer() const { return network_.layers[size_t(index_)]; }
  size_t inputCount() const { return layer().inputs.size(); }
  const Layer &inputLayer(size_t i) const { return network_.layers[size_t(layer().inputs[i])]; }
  // The shape of input `i`; the network input has none, and gets {} for 0.
  Shape input(size_t i = 0) const { return i < inputCount() ? inputLayer(i).output : Shape{}; }

private:
  const Network &network_;
  int index_;
};

// Shape inference's view of a layer: it may resolve attributes (`same`
// padding, depthwise groups), and reports problems as ShapeError located at
// the layer and, through `attribute`, at the value at fault.
class ShapeSite : public OpSite {
public:
  ShapeSite(Network &network, int index) : OpSite(network, index), layer_(network.layers[index]) {}

  Layer &layer() { return layer_; }
  using OpSite::layer;

  llvm::Error fail(std::string attribute, std::string problem) const;
  // "'stride' is out of range".
  llvm::Error outOfRange(const char *attribute) const;
  // Every value in [min, kMaxDimension].
  static bool inRange(std::initializer_list<int> values, int min);

private:
  Layer &layer_;
};

} // namespace tessel
