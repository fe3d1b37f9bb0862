// SPO's reward for control: a finished trajectory earns its win rate against the policy's
// recent trajectories as judged by the teacher, paid at its last step, while the episode
// records keep the environment's true return.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "rlab/envs/registry.h"
#include "rlab/feedback/teacher_registry.h"
#include "rlab/rl/self_play_reward_env.h"

namespace rlab::rl {
namespace {

using Trajectories = std::deque<std::vector<double>>;

TEST(SelfPlayReward, WinRateIsTheShareOfWinsAgainstTheQueue) {
  const auto oracle = feedback::MakeTeacher("oracle");
  Rng rng(1);
  feedback::LabelCounts counts;
  const feedback::TeacherContext context{3.0, 500};
  const std::vector<double> three(3, 1.0);
  auto win_rate = [&](const Trajectories& queue) {
    return TrajectoryWinRate(three, queue, *oracle, context, rng, counts);
  };
  // Padded with zero reward: three steps beat one and lose to five, in either position.
  EXPECT_EQ(win_rate({{1.0}}), 1.0);
  EXPECT_EQ(win_rate({{1.0}, {1.0}}), 1.0);
  EXPECT_EQ(win_rate({{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}), 0.0);
  EXPECT_EQ(win_rate({{1.0}, {1, 1, 1, 1, 1}, {1.0, 0.5}, {2, 2}}), 0.5);
  // Exact ties: the rational teacher prefers whichever it is shown first, so the alternating
  // positions make two ties one win and one loss.
  EXPECT_EQ(win_rate({three, three}), 0.5);
  EXPECT_EQ(win_rate({}), 0.5);  // nothing to compare with
  EXPECT_EQ(counts.asked, 1 + 2 + 2 + 4 + 2);
}

TEST(SelfPlayReward, EnvironmentPaysTheWinRateAtTheEpisodesLastStepAndKeepsTrueReturns) {
  envs::RegisterBuiltins();
  std::shared_ptr<envs::VectorEnv> cartpole(envs::Make("CartPole-v1", 1, 7));
  Rng rng(2);
  SelfPlayRewardEnv env(*cartpole, feedback::MakeTeacher("oracle"), /*queue_size=*/4, rng);
  env.Reset(7);
  std::vector<int64_t> lengths;
  std::vector<double> paid;
  for (int64_t t = 0; lengths.size() < 3 && t < 2000; ++t) {
    // Episode 0 pushes one way only (falls fast), later ones alternate (last longer).
    const int64_t action = lengths.empty() ? 0 : t % 2;
    const envs::StepBuffers& b = env.Step(std::span<const int64_t>(&action, 1));
    if (!b.done[0]) {
      EXPECT_EQ(b.rewards[0], 0.0f) << "step " << t;
      continue;
    }
    lengths.push_back(b.episode_lengths[0]);
    EXPECT_EQ(b.episode_returns[0], static_cast<double>(b.episode_lengths[0]));  // +1 a step
    paid.push_back(b.rewards[0]);
  }
  ASSERT_EQ(lengths.size(), 3u);
  EXPECT_EQ(paid[0], 0.5f);  // an empty queue
  auto expected = [](int64_t mine, int64_t theirs) {
    return mine > theirs ? 1.0 : mine < theirs ? 0.0 : 0.5;
  };
  EXPECT_EQ(paid[1], expected(lengths[1], lengths[0]));
  // The third meets the first (shown first) and the second (shown second).
  const double tie_second = lengths[2] == lengths[1] ? 0.0 : expected(lengths[2], lengths[1]);
  const double tie_first = lengths[2] == lengths[0] ? 1.0 : expected(lengths[2], lengths[0]);
  EXPECT_FLOAT_EQ(paid[2], (tie_first + tie_second) / 2);
  EXPECT_EQ(env.TakeWinRates().size(), 3u);
  EXPECT_EQ(env.counts().asked, 0 + 1 + 2);
}

}  // namespace
}  // namespace rlab::rl
