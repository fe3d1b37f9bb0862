#include "rlab/envs/tensor.h"

#include <gtest/gtest.h>

#include "rlab/core/check.h"
#include "rlab/envs/registry.h"

namespace rlab::envs {
namespace {

TEST(EnvTensors, ViewsShareTheBuffersAndCopiesDoNot) {
  RegisterBuiltins();
  auto env = Make("CartPole-v1", 4, 2);
  const StepBuffers& b = env->Reset();
  const StepTensors view = ViewTensors(b);
  const StepTensors copy = CopyTensors(b);
  EXPECT_EQ(view.observations.sizes(), (std::vector<int64_t>{4, 4}));
  EXPECT_EQ(view.observations.data_ptr<float>(), b.observations.data());
  EXPECT_EQ(view.done.scalar_type(), torch::kBool);
  EXPECT_EQ(view.episode_lengths.scalar_type(), torch::kInt64);
  EXPECT_TRUE(torch::equal(view.observations, copy.observations));
  env->Step(std::vector<int64_t>{1, 1, 1, 1});
  EXPECT_TRUE(torch::equal(view.observations, ViewTensors(env->last()).observations));
  EXPECT_FALSE(torch::equal(view.observations, copy.observations));
}

TEST(EnvTensors, StepTakesIndexOrFloatTensors) {
  RegisterBuiltins();
  auto a = Make("CartPole-v1", 3, 5);
  auto b = Make("CartPole-v1", 3, 5);
  a->Reset();
  b->Reset();
  const StepTensors ta = Step(*a, torch::tensor({0, 1, 1}, torch::kInt64));
  const StepTensors tb = Step(*b, torch::tensor({0.0f, 1.0f, 1.0f}));
  EXPECT_TRUE(torch::equal(ta.observations, tb.observations));
  EXPECT_THROW(Step(*a, torch::tensor({0, 1}, torch::kInt64)), Error);

  auto pendulum = Make("Pendulum-v1", 2, 1);
  pendulum->Reset();
  const StepTensors tp = Step(*pendulum, torch::tensor({{0.5f}, {-0.5f}}));  // [N, A]
  EXPECT_EQ(tp.rewards.sizes(), (std::vector<int64_t>{2}));
}

TEST(EnvTensors, RewardOnTensorsEqualsStep) {
  RegisterBuiltins();
  auto env = Make("Pendulum-v1", 5, 3);
  const torch::Tensor obs = CopyTensors(env->Reset()).observations;          // [5, 3]
  const torch::Tensor actions = torch::linspace(-2.5, 2.5, 5).unsqueeze(1);  // [5, 1]
  const StepTensors out = Step(*env, actions);
  const torch::Tensor r = Reward(*env, obs, actions, out.next_observations);
  EXPECT_TRUE(torch::allclose(r, out.rewards, 1e-5, 1e-5)) << r << out.rewards;
  EXPECT_THROW(Reward(*env, obs.narrow(1, 0, 2), actions, out.next_observations), Error);
}

}  // namespace
}  // namespace rlab::envs
