#include "rlab/core/pair_worker.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace rlab {
namespace {

TEST(PairWorker, RunsBothPiecesOnTwoThreadsEveryTime) {
  PairWorker pair(true);
  for (int round = 0; round < 2000; ++round) {
    std::thread::id a, b;
    int x = 0, y = 0;
    pair.Run(
        [&] {
          a = std::this_thread::get_id();
          x = round;
        },
        [&] {
          b = std::this_thread::get_id();
          y = round + 1;
        });
    ASSERT_EQ(x, round);  // visible to the caller once Run returns
    ASSERT_EQ(y, round + 1);
    ASSERT_NE(a, b);
    ASSERT_EQ(b, std::this_thread::get_id());
  }
}

// The helper must not share the caller's core (see pair_worker.h); with the caller held on
// one core, every hand-over has to find the helper elsewhere.
TEST(PairWorker, HelperRunsOnAnotherCoreThanTheCaller) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
  if (CPU_COUNT(&allowed) < 2) GTEST_SKIP() << "needs two cores";
  int first_cpu = 0;
  while (!CPU_ISSET(first_cpu, &allowed)) ++first_cpu;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first_cpu, &one);
  {
    PairWorker pair(true);  // created with all the cores, then the caller keeps to one
    ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof(one), &one), 0);
    for (int round = 0; round < 200; ++round) {
      int helper_cpu = -1, caller_cpu = -1;
      pair.Run([&] { helper_cpu = sched_getcpu(); }, [&] { caller_cpu = sched_getcpu(); });
      ASSERT_EQ(caller_cpu, first_cpu);
      ASSERT_NE(helper_cpu, first_cpu) << "round " << round;
      ASSERT_TRUE(CPU_ISSET(helper_cpu, &allowed));
    }
  }
  ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof(allowed), &allowed), 0);
}

TEST(PairWorker, WakesAfterSleeping) {
  PairWorker pair(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the helper is asleep by now
  std::atomic<int> n{0};
  pair.Run([&] { ++n; }, [&] { ++n; });
  EXPECT_EQ(n.load(), 2);
}

TEST(PairWorker, ExceptionsReachTheCaller) {
  PairWorker pair(true);
  EXPECT_THROW(pair.Run([] { throw std::runtime_error("helper"); }, [] {}), std::runtime_error);
  EXPECT_THROW(pair.Run([] {}, [] { throw std::runtime_error("caller"); }), std::runtime_error);
  int x = 0;
  pair.Run([&] { x = 1; }, [] {});  // still usable
  EXPECT_EQ(x, 1);
}

TEST(PairWorker, DisabledRunsInOrderOnTheCaller) {
  PairWorker pair(false);
  std::vector<int> order;
  pair.Run([&] { order.push_back(1); }, [&] { order.push_back(2); });
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace rlab
