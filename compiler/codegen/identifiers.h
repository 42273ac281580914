// Names and literals as they appear in generated C++.
#pragma once

#include <cstddef>
#include <string>

namespace tessel {

// A C identifier from a network or layer name: other characters become '_',
// and a leading digit gets an 'n' in front ("yolov2-16" -> "yolov2_16").
std::string cIdentifier(const std::string &name);

// Longest identifier generated symbols are named after: with its suffixes
// ("_weights.S", "_ARENA_ALIGNMENT") file and macro names stay short.
inline constexpr size_t kMaxSymbolLength = 64;

// Why `identifier` (from cIdentifier) cannot prefix a network's generated
// symbols, or "" when it can. The generated code declares the namespace
// `identifier` at global scope beside the C library and the runtime, and the
// CMake target `identifier`, so it must be no keyword, no reserved name, and
// none of the names those declare.
std::string symbolNameProblem(const std::string &identifier);

// Upper-case form for macros ("yolov2_16" -> "YOLOV2_16").
std::string macroName(const std::string &identifier);

} // namespace tessel
