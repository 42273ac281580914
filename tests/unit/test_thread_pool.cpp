// The runtime's thread pool: every part runs exactly once, claimed by
// whichever of its threads is free, whatever the number of parts; the pool survives
// many calls and nested or concurrent use.
#include "tessel/thread_pool.h"

#include "support/limits.h"

#include <doctest/doctest.h>

#include <atomic>
#include <pthread.h>
#include <vector>

namespace {

// Runs parallelFor(parts) on a pool of `Threads` and checks each part ran
// once, on at most `Threads` distinct threads.
template <int Threads> void checkEveryPartOnce(int parts) {
  std::vector<std::atomic<int>> runs(size_t(parts > 0 ? parts : 1));
  std::vector<pthread_t> runner(runs.size());
  tessel::ThreadPool<Threads>::parallelFor(parts, [&](int part) {
    runs[size_t(part)].fetch_add(1);
    runner[size_t(part)] = pthread_self();
  });
  INFO(Threads << " threads, " << parts << " parts");
  std::vector<pthread_t> distinct;
  for (int part = 0; part < parts; ++part) {
    CHECK(runs[size_t(part)].load() == 1);
    bool seen = false;
    for (pthread_t thread : distinct)
      seen = seen || pthread_equal(thread, runner[size_t(part)]);
    if (!seen)
      distinct.push_back(runner[size_t(part)]);
  }
  CHECK(distinct.size() <= size_t(Threads));
}

} // namespace

TEST_CASE("the compiler accepts exactly the thread counts a pool supports") {
  CHECK(tessel::kMaxThreads == tessel::kMaxPoolThreads);
}

TEST_CASE("parallelFor runs every part exactly once, on the pool's threads") {
  for (int parts : {1, 2, 3, 4, 5, 7, 64, 1000}) {
    checkEveryPartOnce<2>(parts);
    checkEveryPartOnce<3>(parts);
    checkEveryPartOnce<4>(parts);
  }
}

TEST_CASE("parts are claimed: the caller runs what the workers have not taken") {
  // Part 0 holds its thread until every other part has run. Whichever
  // thread takes part 0, the others (the caller or a worker) must claim
  // parts 1..N-1 between them; with parts fixed to threads, part 2 (thread
  // 0's second part on 2 threads) would wait behind part 0 for ever.
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> finished{0};
    std::atomic<int> calls{0};
    tessel::ThreadPool<2>::parallelFor(4, [&](int part) {
      calls.fetch_add(1);
      if (part == 0)
        while (finished.load() != 3)
          tessel::spinPause();
      else
        finished.fetch_add(1);
    });
    CHECK(calls.load() == 4);
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
