// The one form every problem with a network description is reported in, as
// compilers print them:
//
//   FILE:LINE:COL: layer 'NAME': what is wrong
//
// The layer part is left out for problems outside any layer, and the
// position when it is not known.
#pragma once

#include "support/source_loc.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace tessel {

std::string formatDiagnostic(const SourceLoc &loc, llvm::StringRef layerName,
                             llvm::StringRef problem);

// The same message as an llvm::Error.
llvm::Error makeDiagnostic(const SourceLoc &loc, llvm::StringRef layerName,
                           llvm::StringRef problem);

} // namespace tessel
