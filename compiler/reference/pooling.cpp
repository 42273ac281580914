// Max, average and global average pooling.
//
// Output (oy, ox) reads the window starting at oy * stride - padding.top
// (and likewise for x). The output size comes from shape inference, so with
// ceil_mode the last window may hang over the bottom/right padding and even
// past it; only cells inside the input are ever read.
#include "reference/ops.h"
#include "reference/require.h"

#include <algorithm>
#include <limits>

namespace tessel::reference {

namespace {

void requireSameChannels(const Layer &layer, const Tensor &input) {
  require(layer.output.c == input.shape.c, layer, "output has {} channels, input {}",
          layer.output.c, input.shape.c);
}

} // namespace

std::vector<double> maxPool(const Layer &layer, const Tensor &input) {
  requireSameChannels(layer, input);
  const PoolAttrs &pool = layer.pool();
  const Shape &in = input.shape;
  const Shape &out = layer.output;
  std::vector<double> result(size_t(out.elements()));
  for (int c = 0; c < out.c; ++c) {
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        // Padded cells never win, so start below every real value.
        double best = -std::numeric_limits<double>::infinity();
        bool anyInside = false;
        for (int ky = 0; ky < pool.window.kernelH; ++ky) {
          const int iy = oy * pool.window.strideH - pool.window.padding.top + ky;
          if (iy < 0 || iy >= in.h)
            continue;
          for (int kx = 0; kx < pool.window.kernelW; ++kx) {
            const int ix = ox * pool.window.strideW - pool.window.padding.left + kx;
            if (ix < 0 || ix >= in.w)
              continue;
            best = std::max(best, input.at(c, iy, ix));
            anyInside = true;
          }
        }
        // A window entirely in the padding (only possible when padding >=
        // kernel) has no winner; it yields 0, the padding value.
        result[size_t(flatIndex(out, c, oy, ox))] = anyInside ? best : 0.0;
      }
    }
  }
  return result;
}

std::vector<double> avgPool(const Layer &layer, const Tensor &input) {
  requireSameChannels(layer, input);
  const PoolAttrs &pool = layer.pool();
  const Shape &in = input.shape;
  const Shape &out = layer.output;
  std::vector<double> result(size_t(out.elements()));
  for (int c = 0; c < out.c; ++c) {
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        const int y0 = oy * pool.window.strideH - pool.window.padding.top;
        const int x0 = ox * pool.window.strideW - pool.window.padding.left;
        double sum = 0.0;
        int inside = 0;
        for (int iy = y0; iy < y0 + pool.window.kernelH; ++iy) {
          if (iy < 0 || iy >= in.h)
            continue;
          for (int ix = x0; ix < x0 + pool.window.kernelW; ++ix) {
            if (ix < 0 || ix >= in.w)
              continue;
            sum += input.at(c, iy, ix);
            ++inside;
          }
        }
        int divisor = inside;
        if (pool.countIncludePad) {
          // PyTorch rule: count the window clipped to the padded extent, so
          // padded cells count but a ceil_mode overhang past the padding does not.
          const int yEnd = std::min(y0 + pool.window.kernelH, in.h + pool.window.padding.bottom);
          const int xEnd = std::min(x0 + pool.window.kernelW, in.w + pool.window.padding.right);
          divisor = (yEnd - y0) * (xEnd - x0);
        }
        // A window with nothing to average (entirely in the padding) yields 0.
        result[size_t(flatIndex(out, c, oy, ox))] = divisor > 0 ? sum / divisor : 0.0;
      }
    }
  }
  return result;
}

std::vector<double> globalAvgPool(const Layer &layer, const Tensor &input) {
  requireSameChannels(layer, input);
  const Shape &in = input.shape;
  require(layer.output.h == 1 && layer.output.w == 1, layer, "output must be C x 1 x 1");
  std::vector<double> result(size_t(in.c));
  for (int c = 0; c < in.c; ++c) {
    double sum = 0.0;
    for (int y = 0; y < in.h; ++y)
      for (int x = 0; x < in.w; ++x)
        sum += input.at(c, y, x);
    result[size_t(c)] = sum / (double(in.h) * in.w);
  }
  return result;
}

} // namespace tessel::reference
