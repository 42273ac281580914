// Size limits the compiler accepts. They keep every size computation far from
// integer overflow, and no network a small board can run comes near them.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace tessel {

// Largest value of any single size attribute (channels, kernel, stride,
// padding, ...) and of any spatial extent.
constexpr int kMaxDimension = 1'000'000;

// Largest element count of any feature map or parameter tensor, and of all
// parameters of a network together (2^31 - 1, so counts fit in an int).
constexpr int64_t kMaxTensorElements = (int64_t(1) << 31) - 1;

// Product of non-negative factors below 2^32, or kMaxTensorElements + 1 as
// soon as it passes the limit (so it cannot overflow).
inline int64_t limitedProduct(std::initializer_list<int64_t> factors) {
  int64_t product = 1;
  for (int64_t factor : factors) {
    product *= factor;
    if (product > kMaxTensorElements)
      return kMaxTensorElements + 1;
  }
  return product;
}

} // namespace tessel
