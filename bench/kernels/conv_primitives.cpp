// Direct conv2d against Winograd F(2x2, 3x3) and F(4x4, 3x3)
// (tessel/winograd.h) on yolov2-16's 3x3 convolutions, single thread.
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
  int inC, outC, size; // size x size map at 608x608 input
};

// yolov2-16's 3x3 convolutions at 608x608.
const Layer kLayers[] = {{3, 32, 608},   {32, 64, 304},   {64, 128, 152},  {128, 256, 76},
                         {256, 512, 38}, {512, 1024, 19}, {1024, 1024, 19}};

constexpr int kPrimitives = 3;
const char *const kNames[kPrimitives] = {"direct", "winograd2", "winograd4"};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void run(const Layer &layer, int h, int w, int runs, int chunkTiles) {
  const int inC = layer.inC, outC = layer.outC;
  const tessel::Conv2dParams p{inC, outC, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0.1f};
  unsigned state = 1;
  const std::vector<float> in = randomVector(size_t(h) * w * inC, state);
  const std::vector<float> packed = randomVector(size_t(9) * inC * outC, state);
  const std::vector<float> bias = randomVector(size_t(outC), state);
  std::vector<float> u2(size_t(tessel::winogradWeightFloats(p, 2)));
  std::vector<float> u4(size_t(tessel::winogradWeightFloats(p, 4)));
  tessel::winogradTransformWeights(p, 2, packed.data(), u2.data());
  tessel::winogradTransformWeights(p, 4, packed.data(), u4.data());
  const tessel::Region all{0, h, 0, w};
  std::vector<float> ws2(
      size_t(std::max(1L, tessel::winogradWorkspaceFloats(p, 2, all, chunkTiles))));
  std::vector<float> ws4(
      size_t(std::max(1L, tessel::winogradWorkspaceFloats(p, 4, all, chunkTiles))));
  std::vector<float> out[kPrimitives];
  for (auto &o : out)
    o.assign(size_t(h) * w * outC, 0.0f);
  const tessel::ConstMapView inView = tessel::wholeMap<const float>(in.data(), inC, h, w);
  const auto compute = [&](int primitive) {
    const tessel::MapView o = tessel::wholeMap<float>(out[primitive].data(), outC, h, w);
    if (primitive == 0)
      tessel::conv2d<tessel::Act::Leaky>(p, packed.data(), bias.data(), inView, o, all);
    else if (primitive == 1)
      tessel::conv2dWinograd<2, tessel::Act::Leaky>(p, u2.data(), bias.data(), inView, o, all,
                                                    ws2.data(), chunkTiles);
    else
      tessel::conv2dWinograd<4, tessel::Act::Leaky>(p, u4.data(), bias.data(), inView, o, all,
                                                    ws4.data(), chunkTiles);
  };
  for (int primitive = 0; primitive < kPrimitives; ++primitive)
    compute(primitive); // warm up; these outputs are compared below
  std::vector<double> times[kPrimitives];
  for (int r = 0; r < runs; ++r)
    for (int primitive = 0; primitive < kPrimitives; ++primitive) {
      const double start = threadSeconds();
      compute(primitive);
      times[primitive].push_back(threadSeconds() - start);
    }
  double maxOut = 0;
  for (float x : out[0])
    maxOut = std::max(maxOut, std::fabs(double(x)));
  const double directMs = median(times[0]) * 1e3;
  const double macs = double(h) * w * inC * outC * 9; // the direct MACs, padding included
  for (int primitive = 0; primitive < kPrimitives; ++primitive) {
    double maxDiff = 0;
    for (size_t i = 0; i < out[0].size(); ++i)
      maxDiff = std::max(maxDiff, std::fabs(double(out[primitive][i]) - double(out[0][i])));
    const double ms = median(times[primitive]) * 1e3;
    const double best = *std::min_element(times[primitive].begin(), times[primitive].end()) * 1e3;
    const long workspace = primitive == 0 ? 0 : 4 * long(primitive == 1 ? ws2.size() : ws4.size());
    const long weights = 4 * long(primitive == 0   ? packed.size()
                                  : primitive == 1 ? u2.size()
                                                   : u4.size());
    std::printf("%-5d %-5d %-5d %-5d %-10s %10.3f %10.3f %7.2f %9.2e %8.1f %11ld %11ld\n", inC,
                outC, h, w, kNames[primitive], ms, best, directMs / ms,
                maxDiff / (maxOut > 0 ? maxOut : 1.0), 2.0 * macs / (ms * 1e-3) * 1e-9, workspace,
                weights);
    std::fflush(stdout);
  }
}

int usage(const char *program) {
  std::fprintf(stderr,
               "usage: %s [--scale S] [--runs N] [--chunk-tiles T] [--layer I]...\n"
               "  --scale S        maps S times yolov2-16's at 608x608 (default 1)\n"
               "  --runs N         timed runs per primitive (default 5)\n"
               "  --chunk-tiles T  Winograd tiles per chunk (default %d)\n"
               "  --layer I        only layer I (0-6, repeatable)\n",
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
  std::printf("%-5s %-5s %-5s %-5s %-10s %10s %10s %7s %9s %8s %11s %11s\n", "inC", "outC", "h",
              "w", "primitive", "median_ms", "best_ms", "speedup", "rel_err", "GFLOP/s",
              "workspace_B", "weights_B");
  for (int i = 0; i < int(sizeof kLayers / sizeof kLayers[0]); ++i) {
    if (!only.empty() && std::find(only.begin(), only.end(), i) == only.end())
      continue;
    const int size = std::max(1, int(std::lround(kLayers[i].size * scale)));
    run(kLayers[i], size, size, runs, chunkTiles);
  }
  return 0;
}
