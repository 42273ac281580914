#include "ops/shape_error.h"

#include "support/diagnostic.h"

namespace tessel {

char ShapeError::ID = 0;

ShapeError::ShapeError(const Network &network, int layerIndex, std::string attribute,
                       std::string problem)
    : layerIndex_(layerIndex), attribute_(std::move(attribute)), problem_(std::move(problem)) {
  if (layerIndex >= 0 && layerIndex < int(network.layers.size())) {
    layerName_ = network.layers[layerIndex].name;
    layerLoc_ = network.layers[layerIndex].loc;
  } else {
    layerLoc_ = network.loc;
  }
}

void ShapeError::log(llvm::raw_ostream &os) const {
  os << formatDiagnostic(layerLoc_, layerName_, problem_);
}

std::error_code ShapeError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

} // namespace tessel
