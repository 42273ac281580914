// Darknet's reorg (libdarknet's reorg_cpu with reverse=0), the
// space-to-depth layer of YOLOv2: C x H x W becomes C*s^2 x H/s x W/s.
//
// libdarknet moves elements with a layout quirk: the output, read flat in
// NCHW order with the input's dimensions, takes at flat index
// i + W*(j + H*k) the input's flat element w2 + W*s*(h2 + H*s*c2), with
// c2 = k % (C/s^2), offset = k / (C/s^2), w2 = i*s + offset % s and
// h2 = j*s + offset / s. This kernel computes the same map, element by
// element, from channels-last storage: every value is a copy, so the result
// is exact whatever Region is computed.
#pragma once

#include "tessel/feature_map.h"

namespace tessel {

struct ReorgParams {
  int inChannels, inH, inW; // the input map; H and W divisible by stride, C by stride^2
  int stride;
};

// Computes Region `r` of `out` (p.inChannels * stride^2 channels, inH /
// stride x inW / stride) from `in`, which must hold the whole input map.
inline void reorgDarknet(const ReorgParams &p, ConstMapView in, MapView out, Region r) {
  const long s = p.stride, c = p.inChannels, h = p.inH, w = p.inW;
  const long outC = c * s * s, outH = h / s, outW = w / s;
  const long groupChannels = c / (s * s); // libdarknet's out_c inside the loop
  for (int y = r.y0; y < r.y1; ++y)
    for (int x = r.x0; x < r.x1; ++x) {
      float *dst = out.at(y, x);
      for (long oc = 0; oc < outC; ++oc) {
        // This output element's flat index, read with the input's dimensions.
        const long flat = x + outW * (y + outH * oc);
        const long i = flat % w, j = (flat / w) % h, k = flat / (w * h);
        const long offset = k / groupChannels;
        const long w2 = i * s + offset % s, h2 = j * s + offset / s;
        const long source = w2 + w * s * (h2 + h * s * (k % groupChannels));
        const long sx = source % w, sy = (source / w) % h, sc = source / (w * h);
        dst[oc] = in.at((int)sy, (int)sx)[sc];
      }
    }
}

} // namespace tessel
