// Nearest-neighbour upsampling by integer factors: output (c, y, x) is input
// (c, y / scaleH, x / scaleW), integer division.
#include "reference/ops.h"

#include "llvm/Support/ErrorHandling.h"

namespace tessel::reference {

std::vector<double> upsampleNearest(const Tensor &input, int scaleH, int scaleW) {
  // The frontend rejects such scales; the oracle must not quietly compute
  // something else if one gets through.
  if (scaleH < 1 || scaleW < 1)
    llvm::report_fatal_error("reference executor: upsample scales must be at least 1",
                             /*gen_crash_diag=*/false);
  const Shape &in = input.shape;
  const Shape out{in.c, in.h * scaleH, in.w * scaleW};
  std::vector<double> result(size_t(out.elements()));
  for (int c = 0; c < out.c; ++c)
    for (int y = 0; y < out.h; ++y)
      for (int x = 0; x < out.w; ++x)
        result[size_t(flatIndex(out, c, y, x))] = input.at(c, y / scaleH, x / scaleW);
  return result;
}

} // namespace tessel::reference
