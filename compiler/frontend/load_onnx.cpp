#include "frontend/load_onnx.h"

#include "frontend/loading_steps.h"
#include "frontend/onnx_graph.h"
#include "frontend/onnx_model.h"
#include "support/diagnostic.h"

#include "llvm/ADT/StringRef.h"

namespace tessel {

bool isOnnxModel(const std::string &path) {
  return llvm::StringRef(path).endswith(".onnx");
}

llvm::Expected<Network> loadOnnxNetwork(const std::string &path, const LoadOptions &options) {
  if (options.weightsPath)
    return makeDiagnostic(SourceLoc{path}, "",
                          "--weights is for Darknet .cfg networks; an ONNX model holds its "
                          "weights as initializers");
  llvm::Expected<onnx::ModelProto> model = onnx_import::readModel(path);
  if (!model)
    return model.takeError();
  llvm::Expected<Network> network = onnx_import::translateGraph(*model, path, options);
  if (!network)
    return network.takeError();
  // The layers were inferred one by one as the graph was read; once more
  // over the whole network checks it as every frontend's network is checked.
  if (llvm::Error error = inferShapesLocated(*network, AttributeLocations{}, options))
    return error;
  if (llvm::Error error = checkParameterLimit(*network, SourceLoc{path}))
    return error;
  return network;
}

} // namespace tessel
