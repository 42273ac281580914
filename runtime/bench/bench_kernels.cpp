// Throughput of the kernels on typical layer shapes: convolutions in GFLOP/s
// (one multiply-add = 2 FLOP, padded taps not counted as work), pools in
// outputs per second.
//
// Usage: tessel_runtime_bench [repetitions] [name filter]
#include "tessel/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

namespace {

// CPU time of this thread: other load on the machine does not inflate it.
double seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

float *randomBuffer(long n, unsigned &state) {
  float *data = static_cast<float *>(malloc(sizeof(float) * size_t(n)));
  for (long i = 0; i < n; ++i) {
    state = state * 1664525u + 1013904223u;
    data[i] = float(state >> 8) / float(1 << 24) - 0.5f;
  }
  return data;
}

struct Shape {
  const char *name;
  int inC, outC, h, w, k, stride;
  bool depthwise;
};

void bench(const Shape &s, int repetitions) {
  const int pad = s.k / 2;
  const int outH = (s.h + 2 * pad - s.k) / s.stride + 1;
  const int outW = (s.w + 2 * pad - s.k) / s.stride + 1;
  const int groups = s.depthwise ? s.inC : 1;
  const tessel::Conv2dParams p{s.inC, s.outC, s.k,    s.k, s.stride, s.stride,
                               1,     1,      groups, pad, pad,      0.1f};
  unsigned state = 1;
  float *in = randomBuffer(long(s.h) * s.w * s.inC, state);
  float *weights = randomBuffer(long(s.k) * s.k * (s.inC / groups) * s.outC, state);
  float *bias = randomBuffer(s.outC, state);
  float *out = randomBuffer(long(outH) * outW * s.outC, state);
  const tessel::ConstMapView inView = tessel::wholeMap<const float>(in, s.inC, s.h, s.w);
  const tessel::MapView outView = tessel::wholeMap<float>(out, s.outC, outH, outW);
  const tessel::Region all{0, outH, 0, outW};

  double best = 1e30;
  for (int r = 0; r < repetitions; ++r) {
    const double start = seconds();
    if (s.depthwise)
      tessel::depthwiseConv2d<tessel::Act::Relu>(p, weights, bias, inView, outView, all);
    else
      tessel::conv2d<tessel::Act::Relu>(p, weights, bias, inView, outView, all);
    const double t = seconds() - start;
    best = t < best ? t : best;
  }
  // Multiply-adds actually performed: count the taps inside the map.
  double macs = 0;
  for (int oy = 0; oy < outH; ++oy)
    for (int ox = 0; ox < outW; ++ox)
      macs += double(tessel::validTaps(oy * s.stride - pad, 1, s.k, s.h).count()) *
              tessel::validTaps(ox * s.stride - pad, 1, s.k, s.w).count();
  macs *= double(s.inC / groups) * s.outC;
  printf("%-34s %8.3f ms %8.2f GFLOP/s\n", s.name, best * 1e3, 2.0 * macs / best * 1e-9);
  free(in);
  free(weights);
  free(bias);
  free(out);
}

struct PoolShape {
  const char *name;
  int channels, h, w, k, stride, pad;
  bool max;
};

// Pooling reads every input cell about (k / stride)^2 times; reports the
// output rate.
void benchPool(const PoolShape &s, int repetitions) {
  const int outH = (s.h + 2 * s.pad - s.k) / s.stride + 1;
  const int outW = (s.w + 2 * s.pad - s.k) / s.stride + 1;
  const tessel::PoolParams p{s.channels, s.k,   s.k,   s.stride, s.stride,
                             s.pad,      s.pad, s.pad, s.pad,    false};
  unsigned state = 2;
  float *in = randomBuffer(long(s.h) * s.w * s.channels, state);
  float *out = randomBuffer(long(outH) * outW * s.channels, state);
  const tessel::ConstMapView inView = tessel::wholeMap<const float>(in, s.channels, s.h, s.w);
  const tessel::MapView outView = tessel::wholeMap<float>(out, s.channels, outH, outW);
  double best = 1e30;
  for (int r = 0; r < repetitions; ++r) {
    const double start = seconds();
    if (s.max)
      tessel::maxPool2d(p, inView, outView, tessel::Region{0, outH, 0, outW});
    else
      tessel::avgPool2d(p, inView, outView, tessel::Region{0, outH, 0, outW});
    const double t = seconds() - start;
    best = t < best ? t : best;
  }
  const double outputs = double(outH) * outW * s.channels;
  printf("%-34s %8.3f ms %8.2f Gout/s\n", s.name, best * 1e3, outputs / best * 1e-9);
  free(in);
  free(out);
}

} // namespace

int main(int argc, char **argv) {
  const int repetitions = argc > 1 ? atoi(argv[1]) : 10;
  const char *filter = argc > 2 ? argv[2] : "";
  const Shape shapes[] = {
      {"conv 3x3 32->64 152x152", 32, 64, 152, 152, 3, 1, false},
      {"conv 3x3 16->24 76x76", 16, 24, 76, 76, 3, 1, false},
      {"conv 1x1 64->128 38x38", 64, 128, 38, 38, 1, 1, false},
      {"conv 3x3 s2 3->16 224x224", 3, 16, 224, 224, 3, 2, false},
      {"conv 3x3 96->96 38x38", 96, 96, 38, 38, 3, 1, false},
      // yolov2-16 at 608x608: first layer, an early and a late 3x3, a 1x1.
      {"conv 3x3 3->32 608x608", 3, 32, 608, 608, 3, 1, false},
      {"conv 3x3 64->128 76x76", 64, 128, 76, 76, 3, 1, false},
      {"conv 3x3 512->1024 19x19", 512, 1024, 19, 19, 3, 1, false},
      {"conv 1x1 1024->512 19x19", 1024, 512, 19, 19, 1, 1, false},
      {"depthwise 3x3 64 76x76", 64, 64, 76, 76, 3, 1, true},
      {"depthwise 3x3 s2 96 76x76", 96, 96, 76, 76, 3, 2, true},
  };
  for (const Shape &s : shapes)
    if (strstr(s.name, filter) != nullptr)
      bench(s, repetitions);
  const PoolShape pools[] = {
      {"maxpool 2x2 s2 64 152x152", 64, 152, 152, 2, 2, 0, true},
      {"maxpool 3x3 s1 p1 32 76x76", 32, 76, 76, 3, 1, 1, true},
      {"avgpool 3x3 s2 p1 64 76x76", 64, 76, 76, 3, 2, 1, false},
  };
  for (const PoolShape &s : pools)
    if (strstr(s.name, filter) != nullptr)
      benchPool(s, repetitions);
  return 0;
}
