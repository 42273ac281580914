// The steps every frontend takes after reading its format: the input size
// from the command line, shape inference with diagnostics that point at the
// value at fault, and the limit on parameters, checked before any weight is
// allocated.
#pragma once

#include "frontend/attribute_locations.h"
#include "frontend/load_network.h"
#include "ir/network.h"

#include "llvm/Support/Error.h"

#include <string>

namespace tessel {

// A network name from a model file's name: its stem with characters other
// than letters, digits, '_' and '-' made '_'; `fallback` when that is empty.
std::string networkNameFromFile(const std::string &path, llvm::StringRef fallback);

// Reads the text of a description (a YAML file, a Darknet .cfg) up to
// kMaxDescriptionBytes; `what` names it in messages ("the Darknet cfg").
llvm::Expected<std::string> readDescriptionText(const std::string &path, llvm::StringRef what);

// Sets the input's height and width to options.inputSize, if given.
// `where` locates the problem when the size is out of range.
llvm::Error applyInputSize(Network &network, const LoadOptions &options, const SourceLoc &where);

// inferShapes, with shape errors located through `locations` (the layer's
// own location where an attribute was not written) and the command-line
// input size named when it was given.
llvm::Error inferShapesLocated(Network &network, const AttributeLocations &locations,
                               const LoadOptions &options);

// Fails when the network's parameters exceed kMaxParameterBytes: a bigger
// network would exhaust the compiler's memory and fit no board anyway.
llvm::Error checkParameterLimit(const Network &network, const SourceLoc &where);

} // namespace tessel
