#include "frontend/load_network.h"

#include "analysis/parameter_layout.h"
#include "analysis/shape_inference.h"
#include "frontend/load_darknet.h"
#include "frontend/parse_network.h"
#include "frontend/random_weights.h"
#include "frontend/weight_file.h"
#include "ops/shape_error.h"
#include "support/bounded_file.h"
#include "support/byte_size.h"
#include "support/diagnostic.h"
#include "support/limits.h"

#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <new>

namespace tessel {
namespace {

llvm::Error overrideInputSize(Network &network, std::pair<int, int> size) {
  auto [height, width] = size;
  if (height < 1 || width < 1 || height > kMaxDimension || width > kMaxDimension)
    return makeDiagnostic(network.layers.front().loc, "",
                          fmt::format("input size {}x{} from the command line must be between "
                                      "1x1 and {}x{}",
                                      height, width, kMaxDimension, kMaxDimension));
  network.inputShape.h = height;
  network.inputShape.w = width;
  return llvm::Error::success();
}

// Points shape errors at the attribute value at fault.
llvm::Error locateShapeError(llvm::Error error, const NetworkDescription &description,
                             const LoadOptions &options) {
  return llvm::handleErrors(std::move(error), [&](const ShapeError &shapeError) {
    const SourceLoc loc = description.locations.find(shapeError.layerIndex(),
                                                     shapeError.attribute(), shapeError.layerLoc());
    std::string problem = shapeError.problem();
    if (options.inputSize)
      problem += fmt::format(" (at input size {}x{} from the command line)",
                             options.inputSize->first, options.inputSize->second);
    return makeDiagnostic(loc, shapeError.layerName(), problem);
  });
}

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
  // Checked before any weight is allocated: a bigger network would exhaust
  // the compiler's memory and could not run on any board anyway.
  const int64_t parameters = networkParameterCount(network);
  if (parameters > kMaxTensorElements || parameters * int64_t(sizeof(float)) > kMaxParameterBytes)
    return makeDiagnostic(
        source.loc, "",
        fmt::format("the network has {} parameters ({} bytes as float32), more than the limit of "
                    "{} bytes ({}) of parameters",
                    parameters, parameters * int64_t(sizeof(float)), kMaxParameterBytes,
                    formatBytes(kMaxParameterBytes)));
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
  if (options.weightsPath)
    return makeDiagnostic(SourceLoc{path}, "",
                          "--weights is for Darknet .cfg networks; a YAML description names its "
                          "weights file in 'weights: {file: PATH}'");
  llvm::ErrorOr<BoundedFile> text = readBoundedFile(path, kMaxDescriptionBytes);
  if (!text)
    return makeDiagnostic(
        SourceLoc{path}, "",
        fmt::format("cannot read the network description: {}", text.getError().message()));
  if (text->tooLong())
    return makeDiagnostic(SourceLoc{path}, "",
                          fmt::format("the network description is over the limit of {} bytes ({}) "
                                      "for a description: it has {}",
                                      kMaxDescriptionBytes, formatBytes(kMaxDescriptionBytes),
                                      text->describeSize()));

  llvm::Expected<NetworkDescription> description =
      parseNetworkDescription(text->contents->getBuffer(), path);
  if (!description)
    return description.takeError();
  Network &network = description->network;
  if (options.inputSize)
    if (llvm::Error error = overrideInputSize(network, *options.inputSize))
      return error;
  if (llvm::Error error = inferShapes(network))
    return locateShapeError(std::move(error), *description, options);
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
