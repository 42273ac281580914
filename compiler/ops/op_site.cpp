#include "ops/op_site.h"

#include "ops/shape_error.h"
#include "support/limits.h"

#include <fmt/format.h>

namespace tessel {

llvm::Error ShapeSite::fail(std::string attribute, std::string problem) const {
  return llvm::make_error<ShapeError>(network(), index(), std::move(attribute), std::move(problem));
}

llvm::Error ShapeSite::outOfRange(const char *attribute) const {
  return fail(attribute, fmt::format("'{}' is out of range", attribute));
}

bool ShapeSite::inRange(std::initializer_list<int> values, int min) {
  for (int value : values)
    if (value < min || value > kMaxDimension)
      return false;
  return true;
}

} // namespace tessel
