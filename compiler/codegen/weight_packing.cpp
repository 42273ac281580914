#include "codegen/weight_packing.h"

#include "ops/conv_primitives.h"
#include "ops/op_table.h"

#include <algorithm>
#include <cstring>

namespace tessel {
namespace {

constexpr int64_t kFloatsPerAlignment = 16; // 64 bytes

// Appends `count` floats produced by `valueAt(i)`, aligned; returns the offset.
template <typename ValueAt> int64_t append(WeightBlob &blob, int64_t count, ValueAt valueAt) {
  while (int64_t(blob.data.size()) % kFloatsPerAlignment != 0)
    blob.data.push_back(0.0f);
  int64_t offset = int64_t(blob.data.size());
  for (int64_t i = 0; i < count; ++i)
    blob.data.push_back(valueAt(i));
  return offset;
}

// Output channels per block of the conv2d layout (kConvWeightBlock in
// runtime/include/tessel/conv2d.h).
constexpr int64_t kConvWeightBlock = 32;

// The conv2d layout [g][output-channel block][tap][o within the block], taps
// being (kh, kw, input channel) in that order: blocks of 32 output channels, a
// group's last block holding the rest unpadded, so one block's weights are one
// contiguous stream for the kernel. `source(outChannel, tap)` is the weight's
// index in the layer's own tensor.
template <typename SourceIndex>
std::vector<float> packOutputBlocks(const std::vector<float> &weights, int64_t groups,
                                    int64_t outPerGroup, int64_t taps, SourceIndex source) {
  std::vector<float> packed(weights.size());
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t blockStart = 0; blockStart < outPerGroup; blockStart += kConvWeightBlock) {
      const int64_t width = std::min(kConvWeightBlock, outPerGroup - blockStart);
      float *block = packed.data() + g * taps * outPerGroup + blockStart * taps;
      for (int64_t tap = 0; tap < taps; ++tap)
        for (int64_t o = 0; o < width; ++o)
          block[tap * width + o] = weights[size_t(source(g * outPerGroup + blockStart + o, tap))];
    }
  return packed;
}

int64_t appendAll(WeightBlob &blob, const std::vector<float> &values) {
  return append(blob, int64_t(values.size()), [&](int64_t k) { return values[size_t(k)]; });
}

// OIHW (per group) -> the conv2d layout, then what the layer's primitive
// reads (Winograd's transformed weights).
int64_t packConv(WeightBlob &blob, const OpSite &site) {
  const Layer &layer = site.layer();
  const ConvAttrs &c = layer.conv();
  const int64_t outPerGroup = c.outChannels / c.groups, inPerGroup = site.input().c / c.groups;
  const int64_t kh = c.window.kernelH, kw = c.window.kernelW;
  std::vector<float> packed =
      packOutputBlocks(layer.weights.weight, c.groups, outPerGroup, kh * kw * inPerGroup,
                       [&](int64_t outChannel, int64_t tap) {
                         const int64_t i = tap % inPerGroup, yx = tap / inPerGroup;
                         return (outChannel * inPerGroup + i) * kh * kw + yx;
                       });
  return appendAll(blob, primitiveWeights(site, std::move(packed)));
}

// [out][1][kh][kw] -> [kh][kw][out].
int64_t packDepthwise(WeightBlob &blob, const Layer &layer) {
  const int64_t out = layer.conv().outChannels,
                kernel = layer.conv().window.kernelH * layer.conv().window.kernelW;
  const std::vector<float> &weights = layer.weights.weight;
  return append(blob, int64_t(weights.size()), [&](int64_t packed) {
    int64_t o = packed % out, tap = packed / out;
    return weights[size_t(o * kernel + tap)];
  });
}

// [out][C,H,W] -> the conv2d layout of a 1x1 convolution whose input
// channels are the features in H,W,C order (the order of the channels-last
// map they come from).
int64_t packFullyConnected(WeightBlob &blob, const Layer &layer, const Shape &input) {
  const int64_t in = input.elements(), hw = int64_t(input.h) * input.w;
  return appendAll(blob, packOutputBlocks(layer.weights.weight, 1, layer.fc().outFeatures, in,
                                          [&](int64_t o, int64_t hwc) {
                                            const int64_t c = hwc % input.c, pixel = hwc / input.c;
                                            return o * in + c * hw + pixel;
                                          }));
}

// Layer `l` of `net`'s weight tensor and bias, appended to the blob.
PackedWeights packLayer(WeightBlob &blob, const Network &net, int l) {
  const Layer &layer = net.layers[size_t(l)];
  PackedWeights packed;
  const Shape &input = net.layers[size_t(layer.inputs.at(0))].output;
  const OpSite site(net, l);
  switch (describeOp(layer.op).weightPacking(site)) {
  case WeightPacking::ConvBlocked: packed.weightOffset = packConv(blob, site); break;
  case WeightPacking::DepthwiseTaps: packed.weightOffset = packDepthwise(blob, layer); break;
  case WeightPacking::DenseChannelsLast:
    packed.weightOffset = packFullyConnected(blob, layer, input);
    break;
  case WeightPacking::None: break;
  }
  const std::vector<float> &bias = layer.weights.bias;
  if (!bias.empty())
    packed.biasOffset =
        append(blob, int64_t(bias.size()), [&](int64_t i) { return bias[size_t(i)]; });
  return packed;
}

bool sameSlice(const ChannelSlice &a, const ChannelSlice &b) {
  return a.c0 == b.c0 && a.c1 == b.c1 && a.ofInput == b.ofInput;
}

} // namespace

const PackedWeights &PackedLayerWeights::of(const ChannelSlice &slice) const {
  for (const Slice &s : slices)
    if (sameSlice(s.slice, slice))
      return s.packed;
  return *this;
}

std::vector<std::vector<ChannelSlice>> slicesOf(const std::vector<Operation> &operations,
                                                size_t layerCount) {
  std::vector<std::vector<ChannelSlice>> slices(layerCount);
  for (const Operation &op : operations) {
    if (op.kind != Operation::Kind::Kernel || op.call.slice.whole())
      continue;
    std::vector<ChannelSlice> &known = slices[size_t(op.call.layer)];
    if (std::none_of(known.begin(), known.end(),
                     [&](const ChannelSlice &s) { return sameSlice(s, op.call.slice); }))
      known.push_back(op.call.slice);
  }
  return slices;
}

WeightBlob packWeights(const Network &net, const std::vector<std::vector<ChannelSlice>> &slices) {
  WeightBlob blob;
  blob.layers.resize(net.layers.size());
  for (size_t l = 0; l < net.layers.size(); ++l) {
    if (net.layers[l].weights.weight.empty())
      continue;
    PackedLayerWeights &packed = blob.layers[l];
    if (l >= slices.size() || slices[l].empty()) {
      static_cast<PackedWeights &>(packed) = packLayer(blob, net, int(l));
      continue;
    }
    for (const ChannelSlice &slice : slices[l]) {
      const Network sliced = sliceLayer(net, int(l), slice);
      packed.slices.push_back({slice, packLayer(blob, sliced, sliced.outputIndex())});
    }
  }
  return blob;
}

std::vector<char> serializeLittleEndian(const std::vector<float> &values) {
  std::vector<char> bytes(values.size() * 4);
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    for (int b = 0; b < 4; ++b)
      bytes[i * 4 + size_t(b)] = char((bits >> (8 * b)) & 0xFF);
  }
  return bytes;
}

} // namespace tessel
