// ObservedEnv: a wrapped vector environment reports each step's observations, executed
// actions and buffers, and otherwise behaves as the environment it wraps.
#include "rlab/envs/observed_env.h"

#include <gtest/gtest.h>

#include <vector>

#include "rlab/envs/registry.h"

namespace rlab::envs {
namespace {

TEST(ObservedEnv, ReportsObservationsActedOnAndClippedActions) {
  RegisterBuiltins();
  std::vector<float> seen_obs, seen_actions, seen_next;
  int calls = 0;
  ObservedEnv env(
      std::shared_ptr<VectorEnv>(Make("Pendulum-v1", 2, 5)),
      [&](std::span<const float> obs, std::span<const float> actions, const StepBuffers& step) {
        ++calls;
        seen_obs.assign(obs.begin(), obs.end());
        seen_actions.assign(actions.begin(), actions.end());
        seen_next = step.next_observations;
      });
  auto plain = Make("Pendulum-v1", 2, 5);
  const std::vector<float> start = env.Reset(9).observations;
  EXPECT_EQ(start, plain->Reset(9).observations);
  const std::vector<float> actions = {5.0f, -0.5f};  // 5 is beyond the bound 2
  const StepBuffers& b = env.Step(std::span<const float>(actions));
  const StepBuffers& p = plain->Step(std::span<const float>(actions));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen_obs, start);
  EXPECT_EQ(seen_actions, (std::vector<float>{2.0f, -0.5f}));
  EXPECT_EQ(seen_next, p.next_observations);
  EXPECT_EQ(b.rewards, p.rewards);
  EXPECT_EQ(b.observations, p.observations);
  EXPECT_EQ(env.max_episode_steps(), 200);
}

TEST(ObservedEnv, DiscreteActionsAreReportedAsIndices) {
  RegisterBuiltins();
  std::vector<float> seen;
  ObservedEnv env(std::shared_ptr<VectorEnv>(Make("CartPole-v1", 3, 1)),
                  [&](std::span<const float>, std::span<const float> actions, const StepBuffers&) {
                    seen.assign(actions.begin(), actions.end());
                  });
  env.Reset(1);
  env.Step(std::vector<int64_t>{1, 0, 1});
  EXPECT_EQ(seen, (std::vector<float>{1, 0, 1}));
  std::vector<float> r(1);
  const std::vector<float> o(4, 0.0f), a = {1.0f};
  env.Reward(o, a, o, r);
  EXPECT_FLOAT_EQ(r[0], 1.0f);
}

}  // namespace
}  // namespace rlab::envs
