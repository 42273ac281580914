#include "frontend/load_network.h"

#include "analysis/parameter_layout.h"
#include "frontend/load_darknet.h"
#include "frontend/load_onnx.h"
#include "frontend/loading_steps.h"
#include "frontend/parse_network.h"
#include "frontend/random_weights.h"
#include "frontend/weight_file.h"
#include "support/byte_size.h"
#include "support/diagnostic.h"
#include "support/limits.h"

#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <new>

namespace tessel {
namespace {

std::string weightsPath(const std::string &file, const std::string &descriptionPath) {
  if (llvm::sys::path::is_absolute(file))
    return file;
  llvm::SmallString<256> path(llvm::sys::path::parent_path(descriptionPath));
  llvm::sys::path::append(path, file);
  return std::string(path);
}

llvm::Error loadWeights(NetworkDescription &description, const std::string &descriptionPath) {
  Network &network = description.network;
  const WeightsSource &source = description.weights;
  if (llvm::Error error = checkParameterLimit(network, source.loc))
    return error;
  if (!source.file) {
    fillRandomWeights(network, source.seed);
    return llvm::Error::success();
  }
  const std::string file = weightsPath(*source.file, descriptionPath);
  network.weightsFile = file;
  return readWeightFile(network, file, source.loc);
}

llvm::Expected<Network> load(const std::string &path, const LoadOptions &options) {
  if (isDarknetCfg(path))
    return loadDarknetNetwork(path, options);
  if (isOnnxModel(path))
    return loadOnnxNetwork(path, options);
  if (options.weightsPath)
    return makeDiagnostic(SourceLoc{path}, "",
                          "--weights is for Darknet .cfg networks (an ONNX model holds its "
                          "weights); a YAML description names its "
                          "weights file in 'weights: {file: PATH}'");
  llvm::Expected<std::string> text = readDescriptionText(path, "the network description");
  if (!text)
    return text.takeError();

  llvm::Expected<NetworkDescription> description = parseNetworkDescription(*text, path);
  if (!description)
    return description.takeError();
  Network &network = description->network;
  if (llvm::Error error = applyInputSize(network, options, network.layers.front().loc))
    return error;
  if (llvm::Error error = inferShapesLocated(network, description->locations, options))
    return error;
  if (llvm::Error error = loadWeights(*description, path))
    return error;
  return std::move(description->network);
}

} // namespace

llvm::Expected<Network> loadNetwork(const std::string &path, const LoadOptions &options) {
  try {
    return load(path, options);
  } catch (const std::bad_alloc &) {
    return makeDiagnostic(SourceLoc{path}, "", "out of memory while loading the network");
  }
}

} // namespace tessel
