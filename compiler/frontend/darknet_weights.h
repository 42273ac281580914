// Reading libdarknet's .weights file: a header (major, minor, revision,
// then `seen` as 64 bits from version 0.2 on, 32 bits before), then each
// [convolutional] section's biases, [batch norm scales, rolling mean,
// rolling variance], weights, and each [connected] section's biases,
// weights, [batch norm ...], in section order.
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel::darknet {

struct WeightsHeader {
  int32_t major = 0, minor = 2, revision = 0;
  uint64_t seen = 0;

  // libdarknet's rule: `seen` is a size_t from version 0.2 on.
  bool wideSeen() const { return major * 10 + minor >= 2 && major < 1000 && minor < 1000; }
  // Versions above 1000 stored connected weights transposed.
  bool transposedConnected() const { return major > 1000 || minor > 1000; }
  int64_t bytes() const { return wideSeen() ? 20 : 16; }
};

// The parameters of one [convolutional] or [connected] section: the layers
// the Darknet frontend made of it.
struct ParameterBlock {
  enum class Kind { Convolutional, Connected };
  Kind kind = Kind::Convolutional;
  int layer = -1;     // the conv2d or fully_connected layer
  int batchNorm = -1; // its batch_norm layer, -1 without batch_normalize
};

// The blocks of a network the Darknet frontend made, in the file's order.
std::vector<ParameterBlock> parameterBlocks(const Network &network);

// Fills the network's weights from the file at `path`. Needs inferred
// shapes. The file must hold exactly the header and the parameters.
llvm::Error readDarknetWeights(Network &network, const std::string &path);

// The file readDarknetWeights reads back into the same network (`tessel
// info NET.cfg --write-weights FILE` writes it).
std::vector<char> darknetWeightsFile(const Network &network, const WeightsHeader &header = {});

} // namespace tessel::darknet
