// Writes a set of generated files without ever leaving a half-written one:
// every file goes to a temporary beside its destination first, and only when
// all temporaries are complete are they renamed into place.
#pragma once

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tessel {

struct GeneratedFile {
  std::string path; // relative to the output directory
  std::string contents;
};

llvm::Error writeFilesAtomically(const std::string &directory,
                                 const std::vector<GeneratedFile> &files);

} // namespace tessel
