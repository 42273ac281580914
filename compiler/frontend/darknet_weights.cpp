#include "frontend/darknet_weights.h"

#include "analysis/parameter_layout.h"
#include "support/bounded_file.h"
#include "support/diagnostic.h"

#include "llvm/Support/Endian.h"

#include <fmt/format.h>

#include <cstring>

namespace tessel::darknet {
namespace {

// A tensor of a parameter block, where the IR keeps it.
struct BlockTensor {
  std::vector<float> *values;
  int64_t elements;
  // Connected weights of old files, stored [inputs][outputs].
  bool transposed = false;
  int64_t rows = 0, columns = 0; // as stored, when transposed
};

int64_t elementsOf(const Network &network, int layer, ParameterRole role) {
  for (const ParameterTensor &tensor : parameterTensors(network, layer))
    if (tensor.role == role)
      return tensor.elements();
  return 0;
}

// The tensors of `block` in the file's order, sized.
std::vector<BlockTensor> blockTensors(Network &network, const ParameterBlock &block,
                                      bool transposedConnected) {
  Layer &layer = network.layers[size_t(block.layer)];
  std::vector<BlockTensor> tensors;
  auto tensor = [&](int index, ParameterRole role) {
    return BlockTensor{&parameterStorage(network.layers[size_t(index)].weights, role),
                       elementsOf(network, index, role)};
  };
  const bool normalized = block.batchNorm >= 0;
  const BlockTensor biases = normalized ? tensor(block.batchNorm, ParameterRole::Beta)
                                        : tensor(block.layer, ParameterRole::Bias);
  std::vector<BlockTensor> statistics;
  if (normalized)
    for (ParameterRole role : {ParameterRole::Gamma, ParameterRole::Mean, ParameterRole::Variance})
      statistics.push_back(tensor(block.batchNorm, role));
  BlockTensor weights = tensor(block.layer, ParameterRole::Weight);

  tensors.push_back(biases);
  if (block.kind == ParameterBlock::Kind::Convolutional) {
    tensors.insert(tensors.end(), statistics.begin(), statistics.end());
    tensors.push_back(weights);
  } else {
    if (transposedConnected) {
      weights.transposed = true;
      weights.columns = layer.fc().outFeatures;
      weights.rows = weights.elements / weights.columns;
    }
    tensors.push_back(weights);
    tensors.insert(tensors.end(), statistics.begin(), statistics.end());
  }
  return tensors;
}

int64_t parameterCount(Network &network, const std::vector<ParameterBlock> &blocks) {
  int64_t count = 0;
  for (const ParameterBlock &block : blocks)
    for (const BlockTensor &tensor : blockTensors(network, block, false))
      count += tensor.elements;
  return count;
}

float readFloat(const char *at) {
  const uint32_t bits = llvm::support::endian::read32le(at);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

void appendFloat(std::vector<char> &out, float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  char bytes[4];
  llvm::support::endian::write32le(bytes, bits);
  out.insert(out.end(), bytes, bytes + 4);
}

void appendInt32(std::vector<char> &out, int32_t value) {
  char bytes[4];
  llvm::support::endian::write32le(bytes, uint32_t(value));
  out.insert(out.end(), bytes, bytes + 4);
}

} // namespace

std::vector<ParameterBlock> parameterBlocks(const Network &network) {
  const std::vector<std::vector<int>> consumers = network.allConsumers();
  std::vector<ParameterBlock> blocks;
  for (int index = 0; index < int(network.layers.size()); ++index) {
    const Layer &layer = network.layers[size_t(index)];
    if (layer.op != OpKind::Conv2d && layer.op != OpKind::FullyConnected)
      continue;
    ParameterBlock block;
    block.kind = layer.op == OpKind::Conv2d ? ParameterBlock::Kind::Convolutional
                                            : ParameterBlock::Kind::Connected;
    block.layer = index;
    // batch_normalize adds the normalization as the layer right after.
    const std::vector<int> &readers = consumers[size_t(index)];
    if (readers.size() == 1 && readers.front() == index + 1 &&
        network.layers[size_t(index + 1)].op == OpKind::BatchNorm)
      block.batchNorm = index + 1;
    blocks.push_back(block);
  }
  return blocks;
}

llvm::Error readDarknetWeights(Network &network, const std::string &path) {
  const SourceLoc where{path};
  const std::vector<ParameterBlock> blocks = parameterBlocks(network);
  const int64_t parameters = parameterCount(network, blocks);
  const int64_t largestHeader = 20;
  llvm::ErrorOr<BoundedFile> file = readBoundedFile(path, uint64_t(parameters * 4 + largestHeader));
  if (!file)
    return makeDiagnostic(
        where, "", fmt::format("cannot read the weights file: {}", file.getError().message()));
  if (file->tooLong())
    return makeDiagnostic(where, "",
                          fmt::format("the weights file has {}, but the network needs at most {} "
                                      "bytes (a header and {} float32 parameters)",
                                      file->describeSize(), parameters * 4 + largestHeader,
                                      parameters));
  const char *data = file->contents->getBufferStart();
  const int64_t size = int64_t(file->contents->getBufferSize());
  if (size < 12)
    return makeDiagnostic(where, "",
                          fmt::format("the weights file has {} bytes, too short for the header "
                                      "(major, minor, revision and seen: 16 or 20 bytes)",
                                      size));
  WeightsHeader header;
  header.major = int32_t(llvm::support::endian::read32le(data));
  header.minor = int32_t(llvm::support::endian::read32le(data + 4));
  header.revision = int32_t(llvm::support::endian::read32le(data + 8));
  const int64_t expected = header.bytes() + parameters * 4;
  if (size != expected)
    return makeDiagnostic(
        where, "",
        fmt::format("the weights file has {} bytes, but the network needs {} bytes: a {}-byte "
                    "header (version {}.{}.{}) and {} float32 parameters{}",
                    size, expected, header.bytes(), header.major, header.minor, header.revision,
                    parameters, size < header.bytes() ? "; the header is truncated" : ""));

  const char *cursor = data + header.bytes();
  for (const ParameterBlock &block : blocks)
    for (const BlockTensor &tensor : blockTensors(network, block, header.transposedConnected())) {
      std::vector<float> &values = *tensor.values;
      values.resize(size_t(tensor.elements));
      for (int64_t i = 0; i < tensor.elements; ++i, cursor += 4) {
        // Stored [rows][columns], kept [columns][rows].
        const int64_t at =
            tensor.transposed ? (i % tensor.columns) * tensor.rows + i / tensor.columns : i;
        values[size_t(at)] = readFloat(cursor);
      }
    }
  return llvm::Error::success();
}

std::vector<char> darknetWeightsFile(const Network &network, const WeightsHeader &header) {
  Network copy = network; // blockTensors hands out mutable storage
  const std::vector<ParameterBlock> blocks = parameterBlocks(network);
  std::vector<char> out;
  appendInt32(out, header.major);
  appendInt32(out, header.minor);
  appendInt32(out, header.revision);
  if (header.wideSeen()) {
    appendInt32(out, int32_t(header.seen & 0xFFFFFFFFu));
    appendInt32(out, int32_t(header.seen >> 32));
  } else {
    appendInt32(out, int32_t(header.seen));
  }
  for (const ParameterBlock &block : blocks)
    for (const BlockTensor &tensor : blockTensors(copy, block, false))
      for (float value : *tensor.values)
        appendFloat(out, value);
  return out;
}

} // namespace tessel::darknet
