// One function per op. Each returns the layer's result in double, before the
// layer's activation, in NCHW order of `layer.output`; run_reference.cpp
// applies the activation and rounds to float once.
#pragma once

#include "ir/network.h"
#include "reference/tensor.h"

#include <vector>

namespace tessel::reference {

std::vector<double> conv2d(const Layer &layer, const Tensor &input);
std::vector<double> batchNorm(const Layer &layer, const Tensor &input);
std::vector<double> maxPool(const Layer &layer, const Tensor &input);
std::vector<double> avgPool(const Layer &layer, const Tensor &input);
std::vector<double> globalAvgPool(const Layer &layer, const Tensor &input);
std::vector<double> fullyConnected(const Layer &layer, const Tensor &input);
std::vector<double> add(const Layer &layer, const std::vector<const Tensor *> &inputs);
std::vector<double> multiply(const Layer &layer, const Tensor &map, const Tensor &factors);
std::vector<double> concat(const Layer &layer, const std::vector<const Tensor *> &inputs);
std::vector<double> flattenConcat(const Layer &layer, const std::vector<const Tensor *> &inputs);
std::vector<double> softmax(const Layer &layer, const Tensor &input);
// Output C x (H * scaleH) x (W * scaleW), each cell a copy of input cell
// (y / scaleH, x / scaleW); scales are at least 1.
std::vector<double> upsampleNearest(const Tensor &input, int scaleH, int scaleW);
std::vector<double> reorgDarknet(const Tensor &input, int stride);

} // namespace tessel::reference
