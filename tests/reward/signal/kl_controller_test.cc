// KL coefficient controllers: the adaptive controller follows Ziegler et al.'s update on
// hand-computed steps, rises above its target and falls below it, and its state survives a
// save and restore; the fixed controller never moves.
#include <gtest/gtest.h>

#include "rlab/reward/signal/kl_controller.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

TEST(KlController, AdaptiveFollowsZieglerUpdate) {
  const auto c = MakeKlController("adaptive(beta=0.1, target=6, horizon=10000)");
  EXPECT_DOUBLE_EQ(c->beta(), 0.1);
  c->Update(9.0, 100);  // error 0.5 clipped to 0.2: beta *= 1 + 0.2 * 100 / 10000
  EXPECT_NEAR(c->beta(), 0.1002, 1e-15);
  c->Update(3.0, 100);  // error -0.5 clipped to -0.2
  EXPECT_NEAR(c->beta(), 0.1002 * 0.998, 1e-15);
  c->Update(6.6, 1000);  // error 0.1, unclipped
  EXPECT_NEAR(c->beta(), 0.1002 * 0.998 * 1.01, 1e-15);
  c->Update(6.0, 5000);  // on target: unchanged
  EXPECT_NEAR(c->beta(), 0.1002 * 0.998 * 1.01, 1e-15);
}

TEST(KlController, AdaptiveRisesAboveTargetAndFallsBelow) {
  const auto up = MakeKlController("adaptive(beta=0.05, target=2, horizon=100)");
  const auto down = MakeKlController("adaptive(beta=0.05, target=2, horizon=100)");
  double last_up = up->beta(), last_down = down->beta();
  for (int step = 0; step < 10; ++step) {
    up->Update(2.5, 16);
    down->Update(1.0, 16);
    EXPECT_GT(up->beta(), last_up);
    EXPECT_LT(down->beta(), last_down);
    EXPECT_GT(down->beta(), 0.0);
    last_up = up->beta();
    last_down = down->beta();
  }
}

TEST(KlController, StateSavesAndRestores) {
  const auto a = MakeKlController("adaptive(beta=0.2, target=6, horizon=1000)");
  a->Update(12.0, 64);
  a->Update(11.0, 64);
  const double saved = a->Save();
  const auto b = MakeKlController("adaptive(beta=0.2, target=6, horizon=1000)");
  b->Restore(saved);
  EXPECT_EQ(b->beta(), a->beta());
  a->Update(1.0, 64);
  b->Update(1.0, 64);
  EXPECT_EQ(b->beta(), a->beta());
  EXPECT_EQ(b->Describe(), "adaptive(beta=0.2, target=6, horizon=1000)");
  EXPECT_NE(testing::ErrorOf([&] { b->Restore(0.0); }).find("> 0"), std::string::npos);
}

TEST(KlController, FixedNeverMoves) {
  const auto c = MakeKlController("fixed(beta=0.04)");
  c->Update(100.0, 64);
  c->Update(0.0, 64);
  EXPECT_EQ(c->beta(), 0.04);
  c->Restore(0.0);  // a zero coefficient (no penalty) is a valid fixed state
  EXPECT_EQ(c->Save(), 0.0);
  EXPECT_NE(testing::ErrorOf([] { MakeKlController("adaptive(target=0)"); }).find("target"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeKlController("pid"); }).find("adaptive"), std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
