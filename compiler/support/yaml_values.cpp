#include "support/yaml_values.h"

#include <fmt/format.h>

#include <cmath>

namespace tessel {
namespace {

// yaml-cpp tags quoted scalars "!" and plain ones "?". A quoted "16" is a
// string, not a number.
bool isQuoted(const YAML::Node &node) {
  return node.Tag() == "!";
}

bool isPlainScalar(const YAML::Node &node) {
  return node.IsScalar() && !isQuoted(node);
}

// Digits with an optional minus sign: an integer, even if too large to hold.
bool looksLikeInteger(llvm::StringRef text) {
  text.consume_front("-");
  return !text.empty() && text.find_first_not_of("0123456789") == llvm::StringRef::npos;
}

[[noreturn]] void failTooLarge(const YAML::Node &node, const ReadContext &context,
                               llvm::StringRef key, int64_t max) {
  context.fail(node,
               fmt::format("'{}' is too large: {} (limit {})", key.str(), node.Scalar(), max));
}

} // namespace

std::string describeValue(const YAML::Node &node) {
  switch (node.Type()) {
  case YAML::NodeType::Scalar:
    return isQuoted(node) ? fmt::format("the string \"{}\"", node.Scalar())
                          : fmt::format("'{}'", node.Scalar());
  case YAML::NodeType::Sequence: return fmt::format("a list of {}", node.size());
  case YAML::NodeType::Map: return "a map";
  default: return "nothing";
  }
}

int readInt(const YAML::Node &node, const ReadContext &context, llvm::StringRef key,
            IntRange range) {
  const std::string expected = range.min == 1   ? "a positive integer"
                               : range.min == 0 ? "a non-negative integer"
                                                : "an integer";
  int64_t value = 0;
  const bool parsed =
      isPlainScalar(node) && !llvm::StringRef(node.Scalar()).getAsInteger(10, value);
  if (!parsed) {
    // Digits that do not fit in 64 bits: report the size, not the type.
    const bool hugePositive =
        isPlainScalar(node) && looksLikeInteger(node.Scalar()) && node.Scalar()[0] != '-';
    if (hugePositive)
      failTooLarge(node, context, key, range.max);
    context.fail(node,
                 fmt::format("'{}' must be {}, got {}", key.str(), expected, describeValue(node)));
  }
  if (value < range.min)
    context.fail(node, fmt::format("'{}' must be {}, got {}", key.str(), expected, value));
  if (value > range.max)
    failTooLarge(node, context, key, range.max);
  return int(value);
}

uint64_t readSeed(const YAML::Node &node, const ReadContext &context, llvm::StringRef key) {
  uint64_t value = 0;
  if (!isPlainScalar(node) || llvm::StringRef(node.Scalar()).getAsInteger(10, value))
    context.fail(node, fmt::format("'{}' must be an integer from 0 to 2^64 - 1, got {}", key.str(),
                                   describeValue(node)));
  return value;
}

bool readBool(const YAML::Node &node, const ReadContext &context, llvm::StringRef key) {
  // The YAML 1.2 core schema's spellings; YAML 1.1's yes/no/on/off are not.
  if (isPlainScalar(node)) {
    const std::string &text = node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE")
      return true;
    if (text == "false" || text == "False" || text == "FALSE")
      return false;
  }
  context.fail(node,
               fmt::format("'{}' must be true or false, got {}", key.str(), describeValue(node)));
}

double readNumber(const YAML::Node &node, const ReadContext &context, llvm::StringRef key) {
  double value = 0;
  if (!isPlainScalar(node) || llvm::StringRef(node.Scalar()).getAsDouble(value) ||
      !std::isfinite(value))
    context.fail(node,
                 fmt::format("'{}' must be a number, got {}", key.str(), describeValue(node)));
  return value;
}

std::string readString(const YAML::Node &node, const ReadContext &context, llvm::StringRef key) {
  if (!node.IsScalar() || node.Scalar().empty())
    context.fail(node, fmt::format("'{}' must be a name, got {}", key.str(), describeValue(node)));
  return node.Scalar();
}

SpatialPair readSpatial(const YAML::Node &node, const ReadContext &context, llvm::StringRef key,
                        IntRange range) {
  if (node.IsSequence() && node.size() == 2)
    return {readInt(node[0], context, key, range), readInt(node[1], context, key, range)};
  if (node.IsSequence() || node.IsMap())
    context.fail(node, fmt::format("'{}' takes an integer or [h, w], got {}", key.str(),
                                   describeValue(node)));
  const int value = readInt(node, context, key, range);
  return {value, value};
}

PaddingSpec readPadding(const YAML::Node &node, const ReadContext &context) {
  const IntRange range{0, kMaxDimension};
  PaddingSpec spec;
  PaddingSpec &pad = spec;
  if (isPlainScalar(node) && node.Scalar() == "same") {
    spec.same = true;
  } else if (isPlainScalar(node) && node.Scalar() == "valid") {
    // no padding
  } else if (isPlainScalar(node) && looksLikeInteger(node.Scalar())) {
    pad.top = pad.left = pad.bottom = pad.right = readInt(node, context, "padding", range);
  } else if (node.IsSequence() && node.size() == 2) {
    pad.top = pad.bottom = readInt(node[0], context, "padding", range);
    pad.left = pad.right = readInt(node[1], context, "padding", range);
  } else if (node.IsSequence() && node.size() == 4) {
    pad.top = readInt(node[0], context, "padding", range);
    pad.left = readInt(node[1], context, "padding", range);
    pad.bottom = readInt(node[2], context, "padding", range);
    pad.right = readInt(node[3], context, "padding", range);
  } else {
    context.fail(node, fmt::format("'padding' takes same, valid, an integer, [h, w] or "
                                   "[top, left, bottom, right], got {}",
                                   describeValue(node)));
  }
  return spec;
}

} // namespace tessel
