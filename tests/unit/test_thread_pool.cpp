// The runtime's thread pool: every part runs exactly once, on the thread
// the split assigns it, whatever the number of parts; the pool survives
// many calls and nested or concurrent use.
#include "tessel/thread_pool.h"

#include "support/limits.h"

#include <doctest/doctest.h>

#include <atomic>
#include <pthread.h>
#include <vector>

namespace {

// Runs parallelFor(parts) on a pool of `Threads` and checks each part ran
// once, and on thread part % Threads (one thread per distinct worker id).
template <int Threads> void checkEveryPartOnce(int parts) {
  std::vector<std::atomic<int>> runs(size_t(parts > 0 ? parts : 1));
  std::vector<pthread_t> runner(runs.size());
  tessel::ThreadPool<Threads>::parallelFor(parts, [&](int part) {
    runs[size_t(part)].fetch_add(1);
    runner[size_t(part)] = pthread_self();
  });
  INFO(Threads << " threads, " << parts << " parts");
  for (int part = 0; part < parts; ++part) {
    CHECK(runs[size_t(part)].load() == 1);
    // Parts of one thread share its id; the caller runs thread 0's parts.
    CHECK(pthread_equal(runner[size_t(part)], runner[size_t(part % Threads)]));
    if (part % Threads == 0)
      CHECK(pthread_equal(runner[size_t(part)], pthread_self()));
    else if (part < Threads)
      CHECK_FALSE(pthread_equal(runner[size_t(part)], pthread_self()));
  }
}

} // namespace

TEST_CASE("the compiler accepts exactly the thread counts a pool supports") {
  CHECK(tessel::kMaxThreads == tessel::kMaxPoolThreads);
}

TEST_CASE("parallelFor runs every part exactly once, part p on thread p % threads") {
  for (int parts : {1, 2, 3, 4, 5, 7, 64, 1000}) {
    checkEveryPartOnce<2>(parts);
    checkEveryPartOnce<3>(parts);
    checkEveryPartOnce<4>(parts);
  }
}

TEST_CASE("parallelFor with no parts calls nothing") {
  int calls = 0;
  tessel::ThreadPool<2>::parallelFor(0, [&](int) { ++calls; });
  tessel::ThreadPool<2>::parallelFor(-3, [&](int) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("the pool stays correct over many back-to-back calls") {
  // Short calls: the workers are mostly spinning; a sum per call catches a
  // lost or doubled part, and results written by workers must be visible
  // when parallelFor returns.
  long long sums[3] = {0, 0, 0};
  for (int call = 0; call < 20000; ++call) {
    int values[3] = {0, 0, 0};
    tessel::ThreadPool<3>::parallelFor(3, [&](int part) { values[part] = call + part; });
    for (int part = 0; part < 3; ++part)
      sums[part] += values[part];
  }
  const long long base = 20000LL * 19999 / 2;
  CHECK(sums[0] == base);
  CHECK(sums[1] == base + 20000);
  CHECK(sums[2] == base + 40000);
}

TEST_CASE("a parallelFor inside a task runs on its caller") {
  std::atomic<int> inner{0};
  std::vector<pthread_t> outerRunner(2), innerRunner(4);
  tessel::ThreadPool<2>::parallelFor(2, [&](int part) {
    outerRunner[size_t(part)] = pthread_self();
    tessel::ThreadPool<2>::parallelFor(2, [&](int sub) {
      innerRunner[size_t(part * 2 + sub)] = pthread_self();
      inner.fetch_add(1);
    });
  });
  CHECK(inner.load() == 4);
  for (int part = 0; part < 2; ++part)
    for (int sub = 0; sub < 2; ++sub)
      CHECK(pthread_equal(innerRunner[size_t(part * 2 + sub)], outerRunner[size_t(part)]));
}

TEST_CASE("concurrent callers of one pool each get all their parts run") {
  constexpr int kCallers = 3, kCalls = 2000;
  struct Caller {
    long long total = 0;
  };
  Caller callers[kCallers];
  auto body = [](void *argument) -> void * {
    Caller &caller = *static_cast<Caller *>(argument);
    for (int call = 0; call < kCalls; ++call) {
      int values[5] = {0, 0, 0, 0, 0};
      tessel::ThreadPool<2>::parallelFor(5, [&](int part) { values[part] = part + 1; });
      for (int value : values)
        caller.total += value;
    }
    return nullptr;
  };
  pthread_t threads[kCallers];
  for (int i = 0; i < kCallers; ++i)
    REQUIRE(pthread_create(&threads[i], nullptr, body, &callers[i]) == 0);
  for (pthread_t thread : threads)
    pthread_join(thread, nullptr);
  for (const Caller &caller : callers)
    CHECK(caller.total == 15LL * kCalls);
}
