// The folder `tessel compile -o DIR` writes. The whole output is written to a
// staging folder beside DIR first and moved in as the last step, so a failed
// compile leaves the previous output as it was; and only files tessel wrote
// there itself, as DIR/.tessel-manifest records them, are ever replaced
// without being asked to.
#pragma once

#include "codegen/file_writer.h"

#include <string>
#include <vector>

namespace tessel {

// In every output folder: the files tessel wrote there, with a hash of each.
inline constexpr char kManifestName[] = ".tessel-manifest";

struct OutputFolderOptions {
  // Also replace files tessel did not write, or that changed since it did.
  bool force = false;
  // Files the output is made from (the network, its weights): never written
  // over, even with `force`. Empty strings are ignored.
  std::vector<std::string> inputs;
};

// Writes `files` and the manifest to `directory`, creating it and its parents
// if needed. Files the previous manifest lists that `files` no longer has are
// removed while unchanged, and otherwise left as the user's. Changes nothing
// when it fails, in particular when a file that is not tessel's would be
// replaced (unless options.force), when an input would be, or when a folder
// stands where a file goes or the other way round.
llvm::Error writeOutputFolder(const std::string &directory, const std::vector<GeneratedFile> &files,
                              const OutputFolderOptions &options);

} // namespace tessel
