// Readers for the values of a network description: integers, flags, numbers,
// names, spatial pairs and padding. Each checks the value's type and range and
// throws ParseError pointing at the value itself.
#pragma once

#include "support/limits.h"
#include "support/parse_error.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace tessel {

// How a value reads in messages: 'abc', the string "16", a list of 3, a map,
// nothing.
std::string describeValue(const YAML::Node &node);

struct IntRange {
  int64_t min = 1;
  int64_t max = kMaxDimension;
};

// `key` names the value in messages.
int readInt(const YAML::Node &node, const ReadContext &context, llvm::StringRef key,
            IntRange range);
uint64_t readSeed(const YAML::Node &node, const ReadContext &context, llvm::StringRef key);
bool readBool(const YAML::Node &node, const ReadContext &context, llvm::StringRef key);
// Any finite number.
double readNumber(const YAML::Node &node, const ReadContext &context, llvm::StringRef key);
// A non-empty scalar, quoted or not.
std::string readString(const YAML::Node &node, const ReadContext &context, llvm::StringRef key);

// Height and width of a spatial attribute: an integer for both, or [h, w].
struct SpatialPair {
  int h = 1;
  int w = 1;
};
SpatialPair readSpatial(const YAML::Node &node, const ReadContext &context, llvm::StringRef key,
                        IntRange range);

// `padding`: same, valid, an integer, [h, w] or [top, left, bottom, right].
struct PaddingSpec {
  bool same = false;
  int top = 0, left = 0, bottom = 0, right = 0; // explicit padding when not `same`
};
PaddingSpec readPadding(const YAML::Node &node, const ReadContext &context);

} // namespace tessel
