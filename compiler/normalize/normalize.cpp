#include "normalize/normalize.h"

#include "ops/op_table.h"

#include <cmath>
#include <utility>

namespace tessel {
namespace {

bool canTakeEpilogue(const Layer &layer) {
  return describeOp(layer.op).fusesActivation && layer.activation.kind == ActivationKind::Linear;
}

// Per-channel y = scale * x + shift equivalent to a batch norm.
struct ChannelAffine {
  std::vector<float> scale, shift;
};

ChannelAffine affineOf(const Layer &batchNorm) {
  const LayerWeights &w = batchNorm.weights;
  const BatchNormAttrs &attrs = batchNorm.batchNorm();
  ChannelAffine affine;
  for (size_t c = 0; c < w.gamma.size(); ++c) {
    const double variance = double(w.variance[c]), epsilon = double(attrs.epsilon);
    const double deviation =
        attrs.epsilonAfterSqrt ? std::sqrt(variance) + epsilon : std::sqrt(variance + epsilon);
    double scale = double(w.gamma[c]) / deviation;
    affine.scale.push_back(float(scale));
    affine.shift.push_back(float(double(w.beta[c]) - double(w.mean[c]) * scale));
  }
  return affine;
}

// Scales each output channel's weights and folds the shift into the bias.
void foldIntoConv(Layer &conv, const Layer &batchNorm) {
  ChannelAffine affine = affineOf(batchNorm);
  int outChannels = conv.conv().outChannels;
  size_t perChannel = conv.weights.weight.size() / size_t(outChannels);
  std::vector<float> &bias = conv.weights.bias;
  bias.resize(size_t(outChannels), 0.0f);
  for (int o = 0; o < outChannels; ++o) {
    for (size_t i = 0; i < perChannel; ++i)
      conv.weights.weight[size_t(o) * perChannel + i] *= affine.scale[o];
    bias[o] = bias[o] * affine.scale[o] + affine.shift[o];
  }
  conv.conv().bias = true;
  conv.activation = batchNorm.activation;
}

// A batch norm that cannot fold becomes a 1x1 depthwise convolution.
Layer asDepthwiseConv(const Layer &batchNorm) {
  ChannelAffine affine = affineOf(batchNorm);
  Layer conv = batchNorm;
  conv.op = OpKind::Conv2d;
  conv.attributes = ConvAttrs{};
  conv.conv().outChannels = batchNorm.output.c;
  conv.conv().groups = batchNorm.output.c;
  conv.conv().bias = true;
  conv.weights = LayerWeights{};
  conv.weights.weight = std::move(affine.scale);
  conv.weights.bias = std::move(affine.shift);
  return conv;
}

// Removes layer `index`, redirecting its consumers to `replacement`.
void bypass(Network &net, int index, int replacement) {
  for (Layer &layer : net.layers)
    for (int &input : layer.inputs)
      if (input == index)
        input = replacement;
  net.layers.erase(net.layers.begin() + index);
  for (Layer &layer : net.layers)
    for (int &input : layer.inputs)
      if (input > index)
        --input;
}

// True when layer `index` reads one producer that nothing else reads, and
// removing `index` keeps the network's output (its last layer) in place.
bool soleProducer(const Network &net, int index, int *producer) {
  const Layer &layer = net.layers[index];
  if (layer.inputs.size() != 1)
    return false;
  *producer = layer.inputs[0];
  bool outputStays = index != net.outputIndex() || *producer == index - 1;
  return *producer > 0 && outputStays && net.consumersOf(*producer).size() == 1;
}

} // namespace

Network normalize(const Network &loaded) {
  Network net = loaded;
  for (int i = 1; i < int(net.layers.size());) {
    Layer &layer = net.layers[i];
    int producer = -1;
    if (layer.op == OpKind::BatchNorm) {
      if (soleProducer(net, i, &producer) && net.layers[producer].op == OpKind::Conv2d &&
          net.layers[producer].activation.kind == ActivationKind::Linear) {
        foldIntoConv(net.layers[producer], layer);
        bypass(net, i, producer);
        continue;
      }
      layer = asDepthwiseConv(layer);
    } else if (layer.op == OpKind::Activation && layer.inputs.size() == 1 &&
               canTakeEpilogue(net.layers[size_t(layer.inputs[0])]) &&
               soleProducer(net, i, &producer)) {
      net.layers[producer].activation = layer.activation;
      bypass(net, i, producer);
      continue;
    }
    ++i;
  }
  return net;
}

} // namespace tessel
