// Reading a Darknet .cfg file into its sections, as libdarknet's
// read_cfg does (whitespace anywhere in a line is ignored, '#' and ';'
// start comment lines), keeping where every key and value was written.
#pragma once

#include "support/source_loc.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tessel::darknet {

struct CfgOption {
  std::string key;
  std::string value;
  SourceLoc keyLoc;
  SourceLoc valueLoc;
};

struct CfgSection {
  std::string type; // "convolutional", "net", ... without the brackets
  SourceLoc loc;    // the header line
  std::vector<CfgOption> options;
};

// The sections of `text`, in file order; `fileName` is for diagnostics.
// Fails on a line that is neither a header nor key=value, and on options
// before the first header.
llvm::Expected<std::vector<CfgSection>> parseCfg(llvm::StringRef text, const std::string &fileName);

} // namespace tessel::darknet
