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
  // have returned. The threads claim parts one at a time, the caller too, so
  // a worker that the OS has not scheduled yet (a busy machine) leaves its
  // part to a thread that runs: the call then costs what one thread takes,
  // not a scheduling delay. Calls made while another parallelFor of this
  // pool is under way (from another thread, or from inside a task) run all
  // their parts on their caller instead, as do more than 65535 parts.
  template <typename Task> static void parallelFor(int parts, const Task &task) {
    if (parts <= 0)
      return;
    State &s = state();
    if (parts == 1 || parts > kMaxParts || s.busy.exchange(true, std::memory_order_acquire)) {
      for (int part = 0; part < parts; ++part)
        task(part);
      return;
    }
    pthread_once(&s.once, &startWorkers);
    s.invoke = [](const void *t, int part) { (*static_cast<const Task *>(t))(part); };
    s.task = &task;
    s.done.store(0, std::memory_order_relaxed);
    const unsigned call = s.generation.load(std::memory_order_relaxed) + 1;
    // Publishes invoke and task to every thread that claims a part of `call`.
    s.claims.store(packClaims(call, parts, 0), std::memory_order_release);
    s.generation.store(call, std::memory_order_seq_cst);
    if (s.sleepers.load(std::memory_order_seq_cst) > 0) {
      pthread_mutex_lock(&s.mutex);
      pthread_cond_broadcast(&s.wake);
      pthread_mutex_unlock(&s.mutex);
    }
#ifdef TESSEL_THREAD_POOL_FIXED_PARTS
    for (int thread = 0; thread < Threads; thread += thread == 0 ? 1 + s.workers : 1)
      runParts(s, call, thread); // the caller's parts, and those of workers that did not start
#else
    runParts(s, call, 0);
#endif
    for (int attempt = 0; s.done.load(std::memory_order_acquire) != parts; ++attempt)
      backOff(attempt);
    s.busy.store(false, std::memory_order_release);
  }

private:
  // Waiting: kSpins pauses (a few microseconds), then kYields yields of the
  // core (cheap when it is free, and a thread with work gets it when the
  // cores are oversubscribed), then sleeping (workers) or yielding on.
  static constexpr int kSpins = 1 << 10;
  static constexpr int kYields = 1 << 8;
  static constexpr int kMaxParts = 0xFFFF;

  static void backOff(int attempt) {
    if (attempt < kSpins)
      spinPause();
    else
      sched_yield();
  }

  // The claims word: which call (32 bits), its part count and the next part
  // to hand out (16 bits each), changed only as a whole so that a thread
  // that woke late cannot claim a part of a newer call by mistake.
  static constexpr unsigned long long packClaims(unsigned call, int parts, int next) {
    return (static_cast<unsigned long long>(call) << 32) |
           (static_cast<unsigned long long>(parts) << 16) | static_cast<unsigned long long>(next);
  }
  static constexpr unsigned claimsCall(unsigned long long claims) {
    return static_cast<unsigned>(claims >> 32);
  }
  static constexpr int claimsParts(unsigned long long claims) {
    return static_cast<int>((claims >> 16) & 0xFFFF);
  }
  static constexpr int claimsNext(unsigned long long claims) {
    return static_cast<int>(claims & 0xFFFF);
  }

  struct State {
    pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
    std::atomic<bool> busy{false};
    std::atomic<unsigned> generation{0};       // the current call's number
    std::atomic<unsigned long long> claims{0}; // packClaims(call, parts, next part)
    std::atomic<int> done{0};                  // parts of the current call that returned
    std::atomic<int> sleepers{0};              // workers waiting on `wake`
    int workers = 0;                           // started, numbered 1..workers
    unsigned startGeneration = 0;              // `generation` when the workers started
    // The current call, written before `claims` is published.
    void (*invoke)(const void *, int) = nullptr;
    const void *task = nullptr;
  };

  // Constant-initialized and never destroyed, so workers may outlive static
  // destruction at exit.
  static State &state() {
    static State s;
    return s;
  }

  // Claims and runs parts of `call` until none is left (or a newer call has
  // begun, which means this one has none left).
  static void runParts(State &s, unsigned call, int thread) {
    unsigned long long claims = s.claims.load(std::memory_order_acquire);
#ifdef TESSEL_THREAD_POOL_FIXED_PARTS
    // For checks under ThreadSanitizer: part p runs on thread p % Threads,
    // so parts of different threads always run on different threads and a
    // buffer two parts share is always reported, however the OS schedules.
    if (claimsCall(claims) != call)
      return;
    for (int part = thread; part < claimsParts(claims); part += Threads) {
      s.invoke(s.task, part);
      s.done.fetch_add(1, std::memory_order_release);
    }
#else
    (void)thread;
    while (claimsCall(claims) == call && claimsNext(claims) < claimsParts(claims)) {
      if (!s.claims.compare_exchange_weak(claims, claims + 1, std::memory_order_acq_rel,
                                          std::memory_order_acquire))
        continue; // `claims` now holds the current word
      // The call cannot end before this part is done, so invoke and task
      // stay those of `call`.
      s.invoke(s.task, claimsNext(claims));
      s.done.fetch_add(1, std::memory_order_release);
      claims = s.claims.load(std::memory_order_acquire);
    }
#endif
  }

  static void *workerMain(void *argument) {
    const int thread = int(reinterpret_cast<long>(argument));
    State &s = state();
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
      runParts(s, now, thread);
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
        break; // the threads that started (the caller at least) claim every part
      ++s.workers;
    }
    pthread_attr_destroy(&attributes);
  }
};

} // namespace tessel
