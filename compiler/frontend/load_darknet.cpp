#include "frontend/load_darknet.h"

#include "analysis/parameter_layout.h"
#include "analysis/shape_inference.h"
#include "frontend/darknet_cfg.h"
#include "frontend/darknet_network.h"
#include "frontend/darknet_weights.h"
#include "frontend/random_weights.h"
#include "ops/shape_error.h"
#include "support/bounded_file.h"
#include "support/byte_size.h"
#include "support/diagnostic.h"
#include "support/limits.h"

#include "llvm/ADT/StringRef.h"

#include <fmt/format.h>

namespace tessel {

bool isDarknetCfg(const std::string &path) {
  return llvm::StringRef(path).endswith(".cfg");
}

llvm::Expected<Network> loadDarknetNetwork(const std::string &path, const LoadOptions &options) {
  llvm::ErrorOr<BoundedFile> text = readBoundedFile(path, kMaxDescriptionBytes);
  if (!text)
    return makeDiagnostic(
        SourceLoc{path}, "",
        fmt::format("cannot read the Darknet cfg: {}", text.getError().message()));
  if (text->tooLong())
    return makeDiagnostic(SourceLoc{path}, "",
                          fmt::format("the Darknet cfg is over the limit of {} bytes ({}): it has "
                                      "{}",
                                      kMaxDescriptionBytes, formatBytes(kMaxDescriptionBytes),
                                      text->describeSize()));
  llvm::Expected<std::vector<darknet::CfgSection>> sections =
      darknet::parseCfg(text->contents->getBuffer(), path);
  if (!sections)
    return sections.takeError();
  llvm::Expected<darknet::DarknetDescription> description = darknet::translateCfg(*sections, path);
  if (!description)
    return description.takeError();
  Network &network = description->network;

  if (options.inputSize) {
    auto [height, width] = *options.inputSize;
    if (height < 1 || width < 1 || height > kMaxDimension || width > kMaxDimension)
      return makeDiagnostic(SourceLoc{path}, "",
                            fmt::format("input size {}x{} from the command line must be between "
                                        "1x1 and {}x{}",
                                        height, width, kMaxDimension, kMaxDimension));
    network.inputShape.h = height;
    network.inputShape.w = width;
  }
  if (llvm::Error error = inferShapes(network))
    return llvm::handleErrors(std::move(error), [&](const ShapeError &shapeError) {
      const SourceLoc loc = description->locations.find(
          shapeError.layerIndex(), shapeError.attribute(), shapeError.layerLoc());
      std::string problem = shapeError.problem();
      if (options.inputSize)
        problem += fmt::format(" (at input size {}x{} from the command line)",
                               options.inputSize->first, options.inputSize->second);
      return makeDiagnostic(loc, shapeError.layerName(), problem);
    });

  const int64_t parameters = networkParameterCount(network);
  if (parameters > kMaxTensorElements || parameters * int64_t(sizeof(float)) > kMaxParameterBytes)
    return makeDiagnostic(SourceLoc{path}, "",
                          fmt::format("the network has {} parameters, more than the limit of {} "
                                      "bytes ({}) of parameters",
                                      parameters, kMaxParameterBytes,
                                      formatBytes(kMaxParameterBytes)));
  if (!options.weightsPath) {
    fillRandomWeights(network, 0);
    return std::move(network);
  }
  network.weightsFile = *options.weightsPath;
  if (llvm::Error error = darknet::readDarknetWeights(network, *options.weightsPath))
    return error;
  return std::move(network);
}

} // namespace tessel
