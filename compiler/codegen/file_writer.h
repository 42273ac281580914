// Writes generated files without ever leaving a half-written one, and
// without following anything planted where a file is about to be created:
// every file is created exclusively (O_CREAT|O_EXCL) under a name nobody can
// predict, and only renamed into place once complete.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tessel {

struct GeneratedFile {
  std::string path; // relative to the output directory
  std::string contents;
};

// Creates `path`, which must not exist (not even as a symlink), and writes
// `contents` to it. Removes it again when writing fails.
llvm::Error writeNewFile(const std::string &path, llvm::StringRef contents);

// Creates a folder named after `model` in `directory`, each '%' in `model`
// replaced by a random hex digit, retrying until the name is new; returns
// its path.
llvm::Expected<std::string> createUniqueFolder(const std::string &directory, llvm::StringRef model);

// Writes every file to a new temporary beside its destination, then, when all
// are complete, renames them into place.
llvm::Error writeFilesAtomically(const std::string &directory,
                                 const std::vector<GeneratedFile> &files);

} // namespace tessel
