// Files built into the compiler: the runtime headers (copied beside every
// generated network) and the code templates (codegen_templates/).
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
