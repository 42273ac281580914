#include "frontend/loading_steps.h"

#include "analysis/parameter_layout.h"
#include "analysis/shape_inference.h"
#include "ops/shape_error.h"
#include "support/bounded_file.h"
#include "support/byte_size.h"
#include "support/diagnostic.h"
#include "support/limits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

namespace tessel {

std::string networkNameFromFile(const std::string &path, llvm::StringRef fallback) {
  std::string name = llvm::sys::path::stem(path).str();
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_' && c != '-')
      c = '_';
  return name.empty() ? fallback.str() : name;
}

llvm::Expected<std::string> readDescriptionText(const std::string &path, llvm::StringRef what) {
  llvm::ErrorOr<BoundedFile> text = readBoundedFile(path, kMaxDescriptionBytes);
  if (!text)
    return makeDiagnostic(SourceLoc{path}, "",
                          fmt::format("cannot read {}: {}", what.str(), text.getError().message()));
  if (text->tooLong())
    return makeDiagnostic(SourceLoc{path}, "",
                          fmt::format("{} is over the limit of {} bytes ({}) for a description: "
                                      "it has {}",
                                      what.str(), kMaxDescriptionBytes,
                                      formatBytes(kMaxDescriptionBytes), text->describeSize()));
  return text->contents->getBuffer().str();
}

llvm::Error applyInputSize(Network &network, const LoadOptions &options, const SourceLoc &where) {
  if (!options.inputSize)
    return llvm::Error::success();
  auto [height, width] = *options.inputSize;
  if (height < 1 || width < 1 || height > kMaxDimension || width > kMaxDimension)
    return makeDiagnostic(where, "",
                          fmt::format("input size {}x{} from the command line must be between "
                                      "1x1 and {}x{}",
                                      height, width, kMaxDimension, kMaxDimension));
  network.inputShape.h = height;
  network.inputShape.w = width;
  return llvm::Error::success();
}

llvm::Error inferShapesLocated(Network &network, const AttributeLocations &locations,
                               const LoadOptions &options) {
  return llvm::handleErrors(inferShapes(network), [&](const ShapeError &shapeError) {
    const SourceLoc loc =
        locations.find(shapeError.layerIndex(), shapeError.attribute(), shapeError.layerLoc());
    std::string problem = shapeError.problem();
    if (options.inputSize)
      problem += fmt::format(" (at input size {}x{} from the command line)",
                             options.inputSize->first, options.inputSize->second);
    return makeDiagnostic(loc, shapeError.layerName(), problem);
  });
}

llvm::Error checkParameterLimit(const Network &network, const SourceLoc &where) {
  const int64_t parameters = networkParameterCount(network);
  if (parameters <= kMaxTensorElements && parameters * int64_t(sizeof(float)) <= kMaxParameterBytes)
    return llvm::Error::success();
  return makeDiagnostic(
      where, "",
      fmt::format("the network has {} parameters ({} bytes as float32), more than the limit of "
                  "{} bytes ({}) of parameters",
                  parameters, parameters * int64_t(sizeof(float)), kMaxParameterBytes,
                  formatBytes(kMaxParameterBytes)));
}

} // namespace tessel
