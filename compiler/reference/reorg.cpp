// Darknet's reorg, written as libdarknet's reorg_cpu loops with reverse=0
// (forward=0 in its arguments): the output, read as a flat buffer in the
// input's C x H x W order, takes at each index the input element at the
// index computed as if the input were C/stride^2 x H*stride x W*stride. The
// next layer reads the buffer as C*stride^2 x H/stride x W/stride.
#include "reference/ops.h"

#include "llvm/Support/ErrorHandling.h"

namespace tessel::reference {

std::vector<double> reorgDarknet(const Tensor &input, int stride) {
  const Shape &in = input.shape;
  // The frontend rejects other shapes: libdarknet would write out of bounds.
  if (stride < 1 || in.h % stride != 0 || in.w % stride != 0 || in.c % (stride * stride) != 0)
    llvm::report_fatal_error("reference executor: reorg needs height and width divisible by "
                             "the stride and channels by its square",
                             /*gen_crash_diag=*/false);
  const int64_t w = in.w, h = in.h, c = in.c, s = stride;
  const int64_t outC = c / (s * s);
  std::vector<double> result(size_t(in.elements()));
  for (int64_t k = 0; k < c; ++k)
    for (int64_t j = 0; j < h; ++j)
      for (int64_t i = 0; i < w; ++i) {
        const int64_t inIndex = i + w * (j + h * k);
        const int64_t c2 = k % outC;
        const int64_t offset = k / outC;
        const int64_t w2 = i * s + offset % s;
        const int64_t h2 = j * s + offset / s;
        const int64_t outIndex = w2 + w * s * (h2 + h * s * c2);
        result[size_t(inIndex)] = input.values[size_t(outIndex)];
      }
  return result;
}

} // namespace tessel::reference
