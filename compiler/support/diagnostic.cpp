#include "support/diagnostic.h"

#include <fmt/format.h>

namespace tessel {

std::string formatDiagnostic(const SourceLoc &loc, llvm::StringRef layerName,
                             llvm::StringRef problem) {
  std::string text;
  if (!loc.file.empty() && loc.line > 0)
    text += fmt::format("{}:{}:{}: ", loc.file, loc.line, loc.column);
  else if (!loc.file.empty())
    text += fmt::format("{}: ", loc.file);
  if (!layerName.empty())
    text += fmt::format("layer '{}': ", layerName.str());
  text += problem.str();
  return text;
}

llvm::Error makeDiagnostic(const SourceLoc &loc, llvm::StringRef layerName,
                           llvm::StringRef problem) {
  return llvm::make_error<llvm::StringError>(formatDiagnostic(loc, layerName, problem),
                                             llvm::inconvertibleErrorCode());
}

} // namespace tessel
