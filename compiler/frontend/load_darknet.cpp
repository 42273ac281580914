#include "frontend/load_darknet.h"

#include "frontend/darknet_cfg.h"
#include "frontend/darknet_network.h"
#include "frontend/darknet_weights.h"
#include "frontend/loading_steps.h"
#include "frontend/random_weights.h"

#include "llvm/ADT/StringRef.h"

namespace tessel {

bool isDarknetCfg(const std::string &path) {
  return llvm::StringRef(path).endswith(".cfg");
}

llvm::Expected<Network> loadDarknetNetwork(const std::string &path, const LoadOptions &options) {
  llvm::Expected<std::string> text = readDescriptionText(path, "the Darknet cfg");
  if (!text)
    return text.takeError();
  llvm::Expected<std::vector<darknet::CfgSection>> sections = darknet::parseCfg(*text, path);
  if (!sections)
    return sections.takeError();
  llvm::Expected<darknet::DarknetDescription> description = darknet::translateCfg(*sections, path);
  if (!description)
    return description.takeError();
  Network &network = description->network;

  if (llvm::Error error = applyInputSize(network, options, SourceLoc{path}))
    return error;
  if (llvm::Error error = inferShapesLocated(network, description->locations, options))
    return error;
  if (llvm::Error error = checkParameterLimit(network, SourceLoc{path}))
    return error;
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
