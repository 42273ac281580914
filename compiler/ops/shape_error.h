// The error shape inference returns. Besides the message it records which
// layer and which attribute are at fault, so that the frontend can point at
// the exact value in the description rather than at the whole layer.
#pragma once

#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <string>

namespace tessel {

class ShapeError : public llvm::ErrorInfo<ShapeError> {
public:
  static char ID;

  // `attribute` is the description key at fault ("kernel", "inputs", ...),
  // or empty when the layer as a whole is.
  ShapeError(const Network &network, int layerIndex, std::string attribute, std::string problem);

  int layerIndex() const { return layerIndex_; }
  const std::string &layerName() const { return layerName_; }
  const SourceLoc &layerLoc() const { return layerLoc_; }
  const std::string &attribute() const { return attribute_; }
  const std::string &problem() const { return problem_; }

  // Prints the diagnostic located at the layer.
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

private:
  int layerIndex_;
  std::string layerName_;
  SourceLoc layerLoc_;
  std::string attribute_;
  std::string problem_;
};

} // namespace tessel
