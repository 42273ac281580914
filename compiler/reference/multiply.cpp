// Element-wise product of a map and a map of its shape or per-channel factors.
#include "reference/ops.h"
#include "reference/require.h"

namespace tessel::reference {

std::vector<double> multiply(const Layer &layer, const Tensor &map, const Tensor &factors) {
  require(map.shape == layer.output, layer, "the first input must have the output's shape");
  const bool perChannel = factors.shape != map.shape;
  require(!perChannel ||
              (factors.shape.c == map.shape.c && factors.shape.h == 1 && factors.shape.w == 1),
          layer, "the factors must match the map or be one per channel");
  std::vector<double> result(map.values.size());
  const size_t plane = size_t(map.shape.h) * size_t(map.shape.w);
  for (size_t i = 0; i < result.size(); ++i)
    result[i] = double(map.values[i]) * double(factors.values[perChannel ? i / plane : i]);
  return result;
}

} // namespace tessel::reference
