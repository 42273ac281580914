#include "ir/channel_slice.h"

#include <algorithm>

namespace tessel {
namespace {

// The floats of [outer][inner * count] keeping inner range [lo, hi) of each
// outer row: rows of `count` floats per inner index.
std::vector<float> keepInner(const std::vector<float> &values, int64_t outer, int64_t inner,
                             int64_t count, int64_t lo, int64_t hi) {
  std::vector<float> kept;
  if (values.empty())
    return kept;
  kept.reserve(size_t(outer * (hi - lo) * count));
  for (int64_t o = 0; o < outer; ++o)
    kept.insert(kept.end(), values.begin() + (o * inner + lo) * count,
                values.begin() + (o * inner + hi) * count);
  return kept;
}

std::vector<float> keepRange(const std::vector<float> &values, int64_t perChannel, int64_t lo,
                             int64_t hi) {
  if (values.empty())
    return {};
  return std::vector<float>(values.begin() + lo * perChannel, values.begin() + hi * perChannel);
}

} // namespace

unsigned sliceRoles(const Network &net, int layer) {
  const Layer &l = net.layers[size_t(layer)];
  auto bit = [](SliceRole role) { return 1u << unsigned(role); };
  switch (l.op) {
  case OpKind::Conv2d: {
    const ConvAttrs &c = l.conv();
    const Shape &in = net.layers[size_t(l.inputs[0])].output;
    if (in.c > 1 && c.groups == in.c && c.outChannels == in.c)
      return bit(SliceRole::ChannelWise);
    if (c.groups != 1)
      return 0;
    const bool pointwise = c.window.kernelH == 1 && c.window.kernelW == 1;
    return bit(SliceRole::Splits) | (pointwise ? bit(SliceRole::Sums) : 0u);
  }
  case OpKind::MaxPool:
  case OpKind::AvgPool:
  case OpKind::Activation:
  case OpKind::BatchNorm: return bit(SliceRole::ChannelWise);
  default: return 0;
  }
}

Network sliceLayer(const Network &net, int layer, const ChannelSlice &slice) {
  const Layer &source = net.layers[size_t(layer)];
  const int lo = slice.c0;
  const int hi = std::min(slice.c1, slice.ofInput ? net.layers[size_t(source.inputs[0])].output.c
                                                  : source.output.c);
  const int width = hi - lo;
  Network sliced;
  sliced.name = net.name;
  for (int input : source.inputs) {
    Layer placeholder;
    placeholder.name = net.layers[size_t(input)].name;
    placeholder.output = net.layers[size_t(input)].output;
    // The inputs a slice reads: those summed, or a channel-wise layer's own.
    const bool narrowed =
        slice.ofInput || !(sliceRoles(net, layer) & (1u << unsigned(SliceRole::Splits)));
    if (narrowed)
      placeholder.output.c = width;
    sliced.layers.push_back(std::move(placeholder));
  }
  Layer l = withoutWeights(source);
  l.inputs.clear();
  for (size_t k = 0; k < source.inputs.size(); ++k)
    l.inputs.push_back(int(k));
  const LayerWeights &w = source.weights;
  if (slice.ofInput) { // a 1x1 convolution over input channels [lo, hi)
    const int inputs = net.layers[size_t(source.inputs[0])].output.c;
    l.weights.weight = keepInner(w.weight, source.conv().outChannels, inputs, 1, lo, hi);
    if (lo == 0) // the first slice starts the sums from the bias
      l.weights.bias = w.bias;
  } else {
    l.output.c = width;
    int64_t perChannel = 1; // weights per output channel
    if (source.op == OpKind::Conv2d) {
      ConvAttrs &c = l.conv();
      const int groupsBefore = c.groups;
      perChannel = int64_t(w.weight.size()) / std::max(c.outChannels, 1);
      c.outChannels = width;
      if (groupsBefore != 1)
        c.groups = width; // depthwise, multiplier 1
    }
    l.weights.weight = keepRange(w.weight, perChannel, lo, hi);
    l.weights.bias = keepRange(w.bias, 1, lo, hi);
    l.weights.gamma = keepRange(w.gamma, 1, lo, hi);
    l.weights.beta = keepRange(w.beta, 1, lo, hi);
    l.weights.mean = keepRange(w.mean, 1, lo, hi);
    l.weights.variance = keepRange(w.variance, 1, lo, hi);
  }
  sliced.layers.push_back(std::move(l));
  return sliced;
}

} // namespace tessel
