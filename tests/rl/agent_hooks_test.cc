// PEBBLE's hooks on agents (rl/agent.h): SAC relabels every transition of its replay buffer
// from the transitions it stored and resets its critics; PPO has neither and says so.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/envs/observed_env.h"
#include "rlab/envs/registry.h"
#include "rlab/rl/ppo.h"
#include "rlab/rl/sac.h"

namespace rlab::rl {
namespace {

TEST(AgentHooks, SacRelabelsEveryStoredTransition) {
  envs::RegisterBuiltins();
  std::vector<float> obs, actions, next;
  envs::ObservedEnv env(
      std::shared_ptr<envs::VectorEnv>(envs::Make("Pendulum-v1", 1, 3)),
      [&](std::span<const float> o, std::span<const float> a, const envs::StepBuffers& s) {
        obs.insert(obs.end(), o.begin(), o.end());
        actions.insert(actions.end(), a.begin(), a.end());
        next.insert(next.end(), s.next_observations.begin(), s.next_observations.end());
      });
  SacConfig c;
  c.learning_starts = 5;
  c.batch_size = 4;
  c.hidden = {8};
  auto agent = MakeSacAgent(c, env, 100, 1);
  agent->Begin(env, 2);
  TrainingReward reward;
  for (int i = 0; i < 12; ++i) agent->Iterate(env, reward);

  int64_t rows = 0;
  agent->RelabelReplay([&](const torch::Tensor& o, const torch::Tensor& a, const torch::Tensor& n) {
    rows = o.size(0);
    EXPECT_TRUE(torch::equal(o, torch::tensor(obs).view({-1, 3})));
    EXPECT_TRUE(torch::equal(a, torch::tensor(actions).view({-1, 1})));
    EXPECT_TRUE(torch::equal(n, torch::tensor(next).view({-1, 3})));
    return torch::full({o.size(0)}, 3.0, torch::kDouble);
  });
  EXPECT_EQ(rows, 12);
  agent->ResetCritics();
  for (int i = 0; i < 3; ++i) agent->Iterate(env, reward);  // still trains after the reset
}

TEST(AgentHooks, PpoHasNoReplayBufferOrCriticsToReset) {
  envs::RegisterBuiltins();
  auto env = envs::Make("CartPole-v1", 4, 1);
  auto agent = MakePpoAgent(ResolvePpo(PpoConfig{}, true, 1000), *env, 1);
  EXPECT_THROW(agent->RelabelReplay([](const torch::Tensor& o, const torch::Tensor&,
                                       const torch::Tensor&) { return o; }),
               Error);
  EXPECT_THROW(agent->ResetCritics(), Error);
}

}  // namespace
}  // namespace rlab::rl
