// Measures this machine's FP32 multiply-add peak, the yardstick bench/networks.py divides the
// generated code's GFLOP/s by, with the widest vector ISA the build flags enable (AVX-512, AVX2,
// NEON, SSE, scalar; it prints which). Each thread runs many independent FMA chains on GCC/Clang
// vector types: independent chains hide the FMA latency, so the loop is bound by FMA throughput
// only.
//
//   peak_flops [--threads N] [--seconds S]
//
// Prints "1 thread: X GFLOP/s" and, with --threads N > 1, "N threads: Y GFLOP/s" (all threads
// running at once). Build it like the generated code, plus -ffp-contract=fast so that
// `acc * m + a` becomes one fused instruction (counted as 2 FLOP):
//   c++ -O3 -march=native -ffp-contract=fast -pthread bench/peak_flops.cpp -o peak_flops
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

namespace {

// The widest vectors the compiler may use under the given flags, as "% of peak" must be
// measured against them (-march=native on an AVX-512 machine gives 512-bit FMAs), and enough
// independent chains to cover FMA latency x FMA units (about 4 x 2 on current cores) while the
// accumulators plus the two operands fit in the vector registers.
#if defined(__AVX512F__)
constexpr int kVectorBytes = 64;
constexpr const char *kIsa = "AVX-512";
constexpr int kChains = 24; // of 32 zmm registers
#elif defined(__AVX__)
constexpr int kVectorBytes = 32;
#if defined(__FMA__)
constexpr const char *kIsa = "AVX2+FMA";
#else
constexpr const char *kIsa = "AVX (no FMA: multiply and add)";
#endif
constexpr int kChains = 12; // of 16 ymm registers
#elif defined(__ARM_NEON) && defined(__aarch64__)
constexpr int kVectorBytes = 16;
constexpr const char *kIsa = "NEON (AArch64)";
constexpr int kChains = 24; // of 32 v registers
#elif defined(__ARM_NEON)
constexpr int kVectorBytes = 16;
constexpr const char *kIsa = "NEON (AArch32)";
constexpr int kChains = 12; // of 16 q registers
#elif defined(__SSE__)
constexpr int kVectorBytes = 16;
constexpr const char *kIsa = "SSE (no FMA: multiply and add)";
constexpr int kChains = 12; // of 16 xmm registers
#else
constexpr int kVectorBytes = 4;
constexpr const char *kIsa = "scalar";
constexpr int kChains = 8;
#endif
typedef float Vector __attribute__((vector_size(kVectorBytes)));
constexpr int kLanes = kVectorBytes / int(sizeof(float));
constexpr long kIterationsPerBatch = 1L << 20;

double nowSeconds() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

// Runs `batches` batches of kIterationsPerBatch steps on every chain; returns a value that
// depends on every result so the compiler cannot drop the work.
float runChains(long batches, float seed) {
  Vector acc[kChains];
  for (int c = 0; c < kChains; ++c)
    for (int l = 0; l < kLanes; ++l)
      acc[c][l] = seed + float(c * kLanes + l) * 1e-3f;
  // acc converges to a / (1 - m) = 1: no overflow, no denormals, however long it runs.
  Vector m = Vector{} + 0.999999f;
  Vector a = Vector{} + 1e-6f;
  for (long b = 0; b < batches; ++b)
    for (long i = 0; i < kIterationsPerBatch; ++i)
    // Unrolled, so that every chain lives in a register: a rolled loop
    // over the array keeps acc in memory and measures the store-to-load
    // forwarding, not the FMA units.
#pragma GCC unroll 32
      for (int c = 0; c < kChains; ++c)
        acc[c] = acc[c] * m + a;
  float sum = 0;
  for (int c = 0; c < kChains; ++c)
    for (int l = 0; l < kLanes; ++l)
      sum += acc[c][l];
  return sum;
}

double flopsPerBatch() {
  return 2.0 * kChains * kLanes * double(kIterationsPerBatch);
}

struct ThreadWork {
  long batches;
  float seed;
  float result;
};

void *threadMain(void *argument) {
  ThreadWork *work = static_cast<ThreadWork *>(argument);
  work->result = runChains(work->batches, work->seed);
  return nullptr;
}

volatile float sink;

// GFLOP/s of `threads` threads running `batches` batches each at the same time.
double measure(int threads, long batches) {
  pthread_t ids[256];
  ThreadWork work[256];
  double start = nowSeconds();
  for (int t = 0; t < threads; ++t) {
    work[t] = ThreadWork{batches, float(t) * 1e-3f, 0.0f};
    if (pthread_create(&ids[t], nullptr, threadMain, &work[t]) != 0) {
      fprintf(stderr, "peak_flops: cannot start thread %d\n", t);
      exit(1);
    }
  }
  for (int t = 0; t < threads; ++t) {
    pthread_join(ids[t], nullptr);
    sink = sink + work[t].result;
  }
  double seconds = nowSeconds() - start;
  return flopsPerBatch() * double(batches) * threads / seconds * 1e-9;
}

// Best of several timed trials of about `seconds` / 5 each, after sizing one trial.
double peak(int threads, double seconds) {
  double gflops = measure(threads, 1); // also warms up the clock
  long batches = long(gflops * 1e9 * (seconds / 5) / (flopsPerBatch() * threads));
  if (batches < 1)
    batches = 1;
  double best = 0;
  for (int trial = 0; trial < 5; ++trial) {
    double value = measure(threads, batches);
    if (value > best)
      best = value;
  }
  return best;
}

} // namespace

int main(int argc, char **argv) {
  int threads = 1;
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    bool hasValue = i + 1 < argc;
    if (!strcmp(argv[i], "--threads") && hasValue)
      threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--seconds") && hasValue)
      seconds = atof(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--threads N] [--seconds S]\n", argv[0]);
      return 2;
    }
  }
  if (threads < 1 || threads > 256 || !(seconds > 0)) {
    fprintf(stderr, "peak_flops: --threads must be in [1, 256] and --seconds positive\n");
    return 2;
  }
  printf("vector: %s, %d bits (%d floats), %d independent FMA chains per thread\n", kIsa,
         kVectorBytes * 8, kLanes, kChains);
  printf("1 thread: %.1f GFLOP/s\n", peak(1, seconds));
  if (threads > 1)
    printf("%d threads: %.1f GFLOP/s\n", threads, peak(threads, seconds));
  return 0;
}
