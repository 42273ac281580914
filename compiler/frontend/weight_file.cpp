#include "frontend/weight_file.h"

#include "analysis/parameter_layout.h"
#include "frontend/weight_tensors.h"
#include "support/bounded_file.h"
#include "support/diagnostic.h"

#include "llvm/Support/Endian.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace tessel {

llvm::Error readWeightFile(Network &network, const std::string &path, const SourceLoc &where) {
  const int64_t parameters = networkParameterCount(network);
  const int64_t expected = parameters * int64_t(sizeof(float));
  // Nothing past the size the network needs is read.
  llvm::ErrorOr<BoundedFile> file = readBoundedFile(path, uint64_t(expected));
  if (!file)
    return makeDiagnostic(
        where, "",
        fmt::format("cannot read weights file '{}': {}", path, file.getError().message()));
  if (!file->holdsExactly(uint64_t(expected)))
    return makeDiagnostic(where, "",
                          fmt::format("weights file '{}' has {}, but the network needs {} "
                                      "bytes ({} float32 parameters)",
                                      path, file->describeSize(), expected, parameters));

  const char *cursor = file->contents->getBufferStart();
  forEachParameterTensor(network,
                         [&](int, int, const ParameterTensor &, std::vector<float> &values) {
                           for (float &value : values) {
                             const uint32_t bits = llvm::support::endian::read32le(cursor);
                             std::memcpy(&value, &bits, sizeof value);
                             cursor += sizeof(float);
                           }
                         });
  return llvm::Error::success();
}

std::vector<float> weightFileValues(const Network &network) {
  std::vector<float> values;
  values.reserve(size_t(networkParameterCount(network)));
  for (int index = 0; index < int(network.layers.size()); ++index)
    for (const ParameterTensor &tensor : parameterTensors(network, index)) {
      const std::vector<float> &stored =
          parameterStorage(network.layers[size_t(index)].weights, tensor.role);
      values.insert(values.end(), stored.begin(), stored.end());
    }
  return values;
}

std::vector<std::string> nonFiniteWeightWarnings(const Network &network) {
  std::vector<std::string> warnings;
  for (const Layer &layer : network.layers) {
    const LayerWeights &w = layer.weights;
    int64_t total = 0, nans = 0, infinities = 0;
    for (const std::vector<float> *values :
         {&w.weight, &w.bias, &w.gamma, &w.beta, &w.mean, &w.variance}) {
      total += int64_t(values->size());
      for (float value : *values) {
        nans += std::isnan(value);
        infinities += std::isinf(value);
      }
    }
    if (nans + infinities > 0)
      warnings.push_back(
          formatDiagnostic(layer.loc, layer.name,
                           fmt::format("{} of {} parameters are not finite ({} NaN, {} infinite)",
                                       nans + infinities, total, nans, infinities)));
  }
  return warnings;
}

} // namespace tessel
