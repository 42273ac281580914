// Direct convolution: for every output element, sum over its group's input
// channels and the kernel window, skipping taps that land in the padding.
#include "reference/ops.h"
#include "reference/require.h"

namespace tessel::reference {

std::vector<double> conv2d(const Layer &layer, const Tensor &input) {
  const ConvAttrs &conv = layer.conv();
  const Shape &in = input.shape;
  const Shape &out = layer.output;
  require(conv.groups > 0 && in.c % conv.groups == 0 && out.c % conv.groups == 0, layer,
          "groups {} must divide input channels {} and output channels {}", conv.groups, in.c,
          out.c);
  require(out.c == conv.outChannels, layer, "output has {} channels, filters is {}", out.c,
          conv.outChannels);
  const int inPerGroup = in.c / conv.groups;
  const int outPerGroup = out.c / conv.groups;
  const std::vector<float> &weight = layer.weights.weight;
  const std::vector<float> &bias = layer.weights.bias;
  require(int64_t(weight.size()) ==
              int64_t(out.c) * inPerGroup * conv.window.kernelH * conv.window.kernelW,
          layer, "weight has {} values", weight.size());
  require(bias.size() == (conv.bias ? size_t(out.c) : 0), layer, "bias has {} values", bias.size());

  std::vector<double> result(size_t(out.elements()));
  for (int oc = 0; oc < out.c; ++oc) {
    const int group = oc / outPerGroup;
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        double sum = conv.bias ? double(bias[size_t(oc)]) : 0.0;
        for (int ic = 0; ic < inPerGroup; ++ic) {
          const int channel = group * inPerGroup + ic;
          for (int ky = 0; ky < conv.window.kernelH; ++ky) {
            const int iy =
                oy * conv.window.strideH - conv.window.padding.top + ky * conv.window.dilationH;
            if (iy < 0 || iy >= in.h)
              continue; // zero padding
            for (int kx = 0; kx < conv.window.kernelW; ++kx) {
              const int ix =
                  ox * conv.window.strideW - conv.window.padding.left + kx * conv.window.dilationW;
              if (ix < 0 || ix >= in.w)
                continue;
              const int64_t w = ((int64_t(oc) * inPerGroup + ic) * conv.window.kernelH + ky) *
                                    conv.window.kernelW +
                                kx;
              sum += double(weight[size_t(w)]) * input.at(channel, iy, ix);
            }
          }
        }
        result[size_t(flatIndex(out, oc, oy, ox))] = sum;
      }
    }
  }
  return result;
}

} // namespace tessel::reference
