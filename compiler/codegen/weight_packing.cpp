#include "codegen/weight_packing.h"

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
constexpr int64_t kConvWeightBlock = 16;

// OIHW (per group) -> [g][output-channel block][kh][kw][i][o within the block]:
// blocks of 16 output channels, a group's last block holding the rest
// unpadded, so one block's weights are one contiguous stream for the kernel.
int64_t packConv(WeightBlob &blob, const Layer &layer, const Shape &input) {
  const ConvAttrs &c = layer.conv();
  const int64_t outPerGroup = c.outChannels / c.groups, inPerGroup = input.c / c.groups;
  const int64_t kh = c.window.kernelH, kw = c.window.kernelW;
  const int64_t taps = kh * kw * inPerGroup;
  const std::vector<float> &oihw = layer.weights.weight;
  std::vector<float> packed(oihw.size());
  for (int64_t g = 0; g < c.groups; ++g)
    for (int64_t blockStart = 0; blockStart < outPerGroup; blockStart += kConvWeightBlock) {
      const int64_t width = std::min(kConvWeightBlock, outPerGroup - blockStart);
      float *block = packed.data() + g * taps * outPerGroup + blockStart * taps;
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          for (int64_t i = 0; i < inPerGroup; ++i)
            for (int64_t o = 0; o < width; ++o) {
              const int64_t outChannel = g * outPerGroup + blockStart + o;
              block[((y * kw + x) * inPerGroup + i) * width + o] =
                  oihw[size_t(((outChannel * inPerGroup + i) * kh + y) * kw + x)];
            }
    }
  return append(blob, int64_t(packed.size()), [&](int64_t k) { return packed[size_t(k)]; });
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

// Input features reordered from C,H,W to H,W,C.
int64_t packFullyConnected(WeightBlob &blob, const Layer &layer, const Shape &input) {
  const int64_t in = input.elements(), hw = int64_t(input.h) * input.w;
  const std::vector<float> &weights = layer.weights.weight;
  return append(blob, int64_t(weights.size()), [&](int64_t packed) {
    int64_t o = packed / in, hwc = packed % in;
    int64_t c = hwc % input.c, pixel = hwc / input.c;
    return weights[size_t(o * in + c * hw + pixel)];
  });
}

} // namespace

WeightBlob packWeights(const Network &net) {
  WeightBlob blob;
  blob.layers.resize(net.layers.size());
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer &layer = net.layers[l];
    if (layer.weights.weight.empty())
      continue;
    const Shape &input = net.layers[size_t(layer.inputs.at(0))].output;
    PackedLayerWeights &packed = blob.layers[l];
    switch (describeOp(layer.op).weightPacking(OpSite(net, int(l)))) {
    case WeightPacking::ConvBlocked: packed.weightOffset = packConv(blob, layer, input); break;
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
