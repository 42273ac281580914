// Files built into the compiler, so `tessel` runs from anywhere: the runtime
// headers (copied beside every generated network), the code templates
// (codegen_templates/) and the board profiles (targets/).
#pragma once

#include <string_view>
#include <vector>

namespace tessel {

struct EmbeddedFile {
  std::string_view path; // "runtime/include/tessel/conv2d.h", "codegen_templates/network.h.in"
  std::string_view text;
};

const std::vector<EmbeddedFile> &embeddedFiles();

} // namespace tessel
