#include "rlab/core/pair_worker.h"

#include <gtest/gtest.h>

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
    pair.Run([&] { a = std::this_thread::get_id(); x = round; },
             [&] { b = std::this_thread::get_id(); y = round + 1; });
    ASSERT_EQ(x, round);  // visible to the caller once Run returns
    ASSERT_EQ(y, round + 1);
    ASSERT_NE(a, b);
    ASSERT_EQ(b, std::this_thread::get_id());
  }
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
