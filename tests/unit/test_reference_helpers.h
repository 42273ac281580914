// Tiny hand-built networks for the reference executor tests. Output shapes
// and padding are set explicitly, as the frontend's shape inference would.
#pragma once

#include "ir/network.h"
#include "reference/run_reference.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace tessel::test {

inline Layer makeLayer(OpKind op, Shape output, std::vector<int> inputs = {}) {
  Layer layer;
  layer.name = opName(op);
  layer.op = op;
  layer.output = output;
  layer.inputs = std::move(inputs);
  return layer;
}

// The input layer followed by `layers`; a layer that names no inputs reads
// the layer before it.
inline Network makeNetwork(Shape input, std::vector<Layer> layers) {
  Network network;
  network.name = "test";
  network.inputShape = input;
  network.layers.push_back(makeLayer(OpKind::Input, input));
  network.layers.front().name = "input";
  for (Layer &layer : layers) {
    if (layer.inputs.empty())
      layer.inputs = {int(network.layers.size()) - 1};
    network.layers.push_back(std::move(layer));
  }
  return network;
}

// Runs `layer` alone on `input`.
inline std::vector<float> runLayer(Shape inputShape, Layer layer, const std::vector<float> &input) {
  return runReference(makeNetwork(inputShape, {std::move(layer)}), input);
}

inline void checkValues(const std::vector<float> &actual, const std::vector<float> &expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    CAPTURE(i);
    CHECK(actual[i] == doctest::Approx(expected[i]).epsilon(1e-6));
  }
}

} // namespace tessel::test
