// The reference executor's view of one layer's result: its shape and its
// values in NCHW order (batch 1).
#pragma once

#include "ir/network.h"

#include <cstdint>
#include <vector>

namespace tessel::reference {

// Position of element (c, h, w) in an NCHW buffer of `shape`.
inline int64_t flatIndex(const Shape &shape, int c, int h, int w) {
  return (int64_t(c) * shape.h + h) * shape.w + w;
}

struct Tensor {
  Shape shape;
  std::vector<float> values;

  double at(int c, int h, int w) const { return values[size_t(flatIndex(shape, c, h, w))]; }
};

} // namespace tessel::reference
