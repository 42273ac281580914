// A fixed pool of POSIX threads for generated code built with --threads N
// (N > 1): a fork-join parallelFor over [0, parts). Included only by such
// code, never by firmware (bare-metal builds have no threads).
//
// The workers start on the first parallelFor and stay for the life of the
// process, waiting between calls: they spin briefly (kernel calls follow one
// another closely), then sleep on a condition variable. Nothing is allocated
// while running. Part p always runs the same work whichever thread takes it,
// so results do not depend on the scheduling of the threads.
#pragma once

#if defined(__STDC_HOSTED__) && !__STDC_HOSTED__
#error "tessel/thread_pool.h needs POSIX threads; generate bare-metal code with --threads 1"
#endif

#include <atomic>
#include <pthread.h>
#include <sched.h>

namespace tessel {

// Tells the core a spin-wait is under way (saves power, frees the sibling
// hyper-thread).
inline void spinPause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && (__ARM_ARCH >= 7))
  __asm__ __volatile__("yield");
#endif
}

// The most threads a pool has; the compiler accepts --threads up to this.
constexpr int kMaxPoolThreads = 64;

// `Threads` threads in all: the caller of parallelFor and Threads - 1 workers.
template <int Threads> class ThreadPool {
  static_assert(Threads >= 2 && Threads <= kMaxPoolThreads, "a pool has 2 to 64 threads");

public:
  // Calls task(part) once for every part in [0, parts) and returns when all
  // have returned. Part p runs on thread p % Threads (thread 0 is the
  // caller). Calls made while another parallelFor of this pool is under way
  // (from another thread, or from inside a task) run all their parts on
  // their caller instead.
  template <typename Task> static void parallelFor(int parts, const Task &task) {
    if (parts <= 0)
      return;
    State &s = state();
    if (parts == 1 || s.busy.exchange(true, std::memory_order_acquire)) {
      for (int part = 0; part < parts; ++part)
        task(part);
      return;
    }
    pthread_once(&s.once, &startWorkers);
    const int threads = s.workers + 1; // fewer if starting a worker failed
    s.invoke = [](const void *t, int part) { (*static_cast<const Task *>(t))(part); };
    s.task = &task;
    s.parts = parts;
    s.threads = threads;
    s.pending.store(threads - 1, std::memory_order_relaxed);
    s.generation.fetch_add(1, std::memory_order_seq_cst); // publishes the fields above
    if (s.sleepers.load(std::memory_order_seq_cst) > 0) {
      pthread_mutex_lock(&s.mutex);
      pthread_cond_broadcast(&s.wake);
      pthread_mutex_unlock(&s.mutex);
    }
    runParts(s, 0);
    for (int attempt = 0; s.pending.load(std::memory_order_acquire) != 0; ++attempt)
      backOff(attempt);
    s.busy.store(false, std::memory_order_release);
  }

private:
  // Waiting: kSpins pauses (a few microseconds), then kYields yields of the
  // core (cheap when it is free, and a thread with work gets it when the
  // cores are oversubscribed), then sleeping (workers) or yielding on.
  static constexpr int kSpins = 1 << 10;
  static constexpr int kYields = 1 << 8;

  static void backOff(int attempt) {
    if (attempt < kSpins)
      spinPause();
    else
      sched_yield();
  }

  struct State {
    pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
    std::atomic<bool> busy{false};
    std::atomic<unsigned> generation{0}; // one more for every parallelFor
    std::atomic<int> pending{0};         // workers still running the current call
    std::atomic<int> sleepers{0};        // workers waiting on `wake`
    int workers = 0;
    unsigned startGeneration = 0; // `generation` when the workers started
    // The current call, written before `generation` moves on.
    void (*invoke)(const void *, int) = nullptr;
    const void *task = nullptr;
    int parts = 0, threads = 1;
  };

  // Constant-initialized and never destroyed, so workers may outlive static
  // destruction at exit.
  static State &state() {
    static State s;
    return s;
  }

  static void runParts(State &s, int thread) {
    for (int part = thread; part < s.parts; part += s.threads)
      s.invoke(s.task, part);
  }

  static void *workerMain(void *argument) {
    State &s = state();
    const int thread = int(reinterpret_cast<long>(argument));
    unsigned seen = s.startGeneration; // not `generation`: the first call may have begun
    for (;;) {
      unsigned now = s.generation.load(std::memory_order_acquire);
      for (int attempt = 0; now == seen && attempt < kSpins + kYields; ++attempt) {
        backOff(attempt);
        now = s.generation.load(std::memory_order_acquire);
      }
      if (now == seen) {
        pthread_mutex_lock(&s.mutex);
        s.sleepers.fetch_add(1, std::memory_order_seq_cst);
        while ((now = s.generation.load(std::memory_order_seq_cst)) == seen)
          pthread_cond_wait(&s.wake, &s.mutex);
        s.sleepers.fetch_sub(1, std::memory_order_relaxed);
        pthread_mutex_unlock(&s.mutex);
      }
      seen = now;
      runParts(s, thread);
      s.pending.fetch_sub(1, std::memory_order_release);
    }
    return nullptr;
  }

  static void startWorkers() {
    State &s = state();
    s.startGeneration = s.generation.load(std::memory_order_relaxed);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    for (int thread = 1; thread < Threads; ++thread) {
      pthread_t worker;
      if (pthread_create(&worker, &attributes, &workerMain,
                         reinterpret_cast<void *>(long(s.workers + 1))) != 0)
        break; // the caller runs the parts of the threads that did not start
      ++s.workers;
    }
    pthread_attr_destroy(&attributes);
  }
};

} // namespace tessel
