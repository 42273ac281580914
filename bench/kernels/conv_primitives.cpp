// Direct conv2d against im2row + GEMM (tessel/im2row.h) and Winograd F(2x2,
// 3x3) and F(4x4, 3x3) (tessel/winograd.h), single thread, on yolov2-16's
// 3x3 convolutions, then on the shapes im2row is for: few input channels,
// large and strided kernels (resnet18's first layer and a stride-2 3x3) and
// 1x1 convolutions (im2row's GEMM there is a 1x1 GEMM whose pixel blocks run
// across rows). Winograd runs only on the 3x3 stride-1 layers.
//
// Per layer (pad 1, leaky 0.1, bias; unit-scale random data) and primitive it
// prints one row: the median and fastest of --runs timed runs (thread CPU
// time, after one untimed run; the primitives take turns run by run, so
// machine noise hits them alike), the speedup of the median over direct's,
// the largest |difference| from direct's output over direct's largest
// |output|, the workspace and the weights the primitive reads. Weight
// transforms are not timed: the compiler does them ahead of time.
//
// Built by bench/conv_primitives.py (-O3 -march=native -ffp-contract=off, as
// generated code is); on its own:
//   c++ -std=c++17 -O3 -march=native -ffp-contract=off -I runtime/include
//       bench/kernels/conv_primitives.cpp -o /tmp/conv_primitives
//   /tmp/conv_primitives [--scale S] [--runs N] [--chunk-tiles T] [--layer I]...
#include "tessel/conv2d.h"
#include "tessel/im2row.h"
#include "tessel/winograd.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

double threadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

std::vector<float> randomVector(size_t n, unsigned &state) {
  std::vector<float> v(n);
  for (float &x : v) {
    state = state * 1664525u + 1013904223u;
    x = float(state >> 8) / float(1 << 24) * 2.0f - 1.0f;
  }
  return v;
}

struct Layer {
  int inC, outC, size; // size x size input map (at scale 1)
  int kernel, stride;  // padding kernel / 2
};

// yolov2-16's 3x3 convolutions at 608x608, resnet18's first layer and a
// stride-2 3x3 at 224x224, yolov2-16's 1x1 convolutions at 608x608.
const Layer kLayers[] = {{3, 32, 608, 3, 1},     {32, 64, 304, 3, 1},  {64, 128, 152, 3, 1},
                         {128, 256, 76, 3, 1},   {256, 512, 38, 3, 1}, {512, 1024, 19, 3, 1},
                         {1024, 1024, 19, 3, 1}, {3, 64, 224, 7, 2},   {64, 128, 56, 3, 2},
                         {256, 128, 76, 1, 1},   {512, 256, 38, 1, 1}, {1024, 125, 19, 1, 1}};

enum Primitive { kDirect, kIm2row, kWinograd2, kWinograd4, kPrimitives };
const char *const kNames[kPrimitives] = {"direct", "im2row", "winograd2", "winograd4"};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void run(const Layer &layer, int h, int w, int runs, int chunkTiles) {
  const int inC = layer.inC, outC = layer.outC, k = layer.kernel, stride = layer.stride;
  const int pad = k / 2;
  const int outH = (h + 2 * pad - k) / stride + 1, outW = (w + 2 * pad - k) / stride + 1;
  const tessel::Conv2dParams p{inC, outC, k, k, stride, stride, 1, 1, 1, pad, pad, 0.1f};
  unsigned state = 1;
  const std::vector<float> in = randomVector(size_t(h) * w * inC, state);
  const std::vector<float> packed = randomVector(size_t(k) * k * inC * outC, state);
  const std::vector<float> bias = randomVector(size_t(outC), state);
  const bool winograd = tessel::winogradApplies(p);
  std::vector<float> u2, u4, ws2, ws4, wsRow;
  const tessel::Region all{0, outH, 0, outW};
  const int chunkPixels = tessel::im2rowChunkPixels(p);
  wsRow.resize(size_t(tessel::im2rowWorkspaceFloats(p, all, chunkPixels)));
  if (winograd) {
    u2.resize(size_t(tessel::winogradWeightFloats(p, 2)));
    u4.resize(size_t(tessel::winogradWeightFloats(p, 4)));
    tessel::winogradTransformWeights(p, 2, packed.data(), u2.data());
    tessel::winogradTransformWeights(p, 4, packed.data(), u4.data());
    ws2.resize(size_t(std::max(1L, tessel::winogradWorkspaceFloats(p, 2, all, chunkTiles))));
    ws4.resize(size_t(std::max(1L, tessel::winogradWorkspaceFloats(p, 4, all, chunkTiles))));
  }
  const int count = winograd ? kPrimitives : kWinograd2;
  std::vector<float> out[kPrimitives];
  for (int primitive = 0; primitive < count; ++primitive)
    out[primitive].assign(size_t(outH) * outW * outC, 0.0f);
  const tessel::ConstMapView inView = tessel::wholeMap<const float>(in.data(), inC, h, w);
  const auto compute = [&](int primitive) {
    const tessel::MapView o = tessel::wholeMap<float>(out[primitive].data(), outC, outH, outW);
    using tessel::Act;
    switch (primitive) {
    case kDirect: tessel::conv2d<Act::Leaky>(p, packed.data(), bias.data(), inView, o, all); break;
    case kIm2row:
      tessel::conv2dIm2row<Act::Leaky>(p, packed.data(), bias.data(), inView, o, all, wsRow.data(),
                                       chunkPixels);
      break;
    case kWinograd2:
      tessel::conv2dWinograd<2, Act::Leaky>(p, u2.data(), bias.data(), inView, o, all, ws2.data(),
                                            chunkTiles);
      break;
    default:
      tessel::conv2dWinograd<4, Act::Leaky>(p, u4.data(), bias.data(), inView, o, all, ws4.data(),
                                            chunkTiles);
    }
  };
  for (int primitive = 0; primitive < count; ++primitive)
    compute(primitive); // warm up; these outputs are compared below
  std::vector<double> times[kPrimitives];
  for (int r = 0; r < runs; ++r)
    for (int primitive = 0; primitive < count; ++primitive) {
      const double start = threadSeconds();
      compute(primitive);
      times[primitive].push_back(threadSeconds() - start);
    }
  double maxOut = 0;
  for (float x : out[0])
    maxOut = std::max(maxOut, std::fabs(double(x)));
  const double directMs = median(times[0]) * 1e3;
  const double macs = double(outH) * outW * inC * outC * k * k; // direct's, padding included
  const size_t workspaces[kPrimitives] = {0, wsRow.size(), ws2.size(), ws4.size()};
  const size_t weights[kPrimitives] = {packed.size(), packed.size(), u2.size(), u4.size()};
  for (int primitive = 0; primitive < count; ++primitive) {
    double maxDiff = 0;
    for (size_t i = 0; i < out[0].size(); ++i)
      maxDiff = std::max(maxDiff, std::fabs(double(out[primitive][i]) - double(out[0][i])));
    const double ms = median(times[primitive]) * 1e3;
    const double best = *std::min_element(times[primitive].begin(), times[primitive].end()) * 1e3;
    std::printf("%-5d %-5d %-5d %-5d %-3d %-3d %-10s %10.3f %10.3f %7.2f %9.2e %8.1f %11ld %11ld\n",
                inC, outC, h, w, k, stride, kNames[primitive], ms, best, directMs / ms,
                maxDiff / (maxOut > 0 ? maxOut : 1.0), 2.0 * macs / (ms * 1e-3) * 1e-9,
                4 * long(workspaces[primitive]), 4 * long(weights[primitive]));
    std::fflush(stdout);
  }
}

int usage(const char *program) {
  std::fprintf(stderr,
               "usage: %s [--scale S] [--runs N] [--chunk-tiles T] [--layer I]...\n"
               "  --scale S        maps S times yolov2-16's at 608x608 (default 1)\n"
               "  --runs N         timed runs per primitive (default 5)\n"
               "  --chunk-tiles T  Winograd tiles per chunk (default %d)\n"
               "  --layer I        only layer I (0-11, repeatable)\n",
               program, tessel::kWinogradChunkTiles);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  double scale = 1.0;
  int runs = 5, chunkTiles = tessel::kWinogradChunkTiles;
  std::vector<int> only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc)
      return usage(argv[0]);
    if (arg == "--scale")
      scale = std::atof(argv[++i]);
    else if (arg == "--runs")
      runs = std::atoi(argv[++i]);
    else if (arg == "--chunk-tiles")
      chunkTiles = std::atoi(argv[++i]);
    else if (arg == "--layer")
      only.push_back(std::atoi(argv[++i]));
    else
      return usage(argv[0]);
  }
  if (!(scale > 0) || runs < 1 || chunkTiles < 1)
    return usage(argv[0]);
  std::printf("# chunk_tiles %d, vector %d floats, runs %d\n", chunkTiles, tessel::kLanes, runs);
  std::printf("%-5s %-5s %-5s %-5s %-3s %-3s %-10s %10s %10s %7s %9s %8s %11s %11s\n", "inC",
              "outC", "h", "w", "k", "s", "primitive", "median_ms", "best_ms", "speedup", "rel_err",
              "GFLOP/s", "workspace_B", "weights_B");
  for (int i = 0; i < int(sizeof kLayers / sizeof kLayers[0]); ++i) {
    if (!only.empty() && std::find(only.begin(), only.end(), i) == only.end())
      continue;
    const int size = std::max(1, int(std::lround(kLayers[i].size * scale)));
    run(kLayers[i], size, size, runs, chunkTiles);
  }
  return 0;
}
