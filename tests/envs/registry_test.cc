#include "rlab/envs/registry.h"

#include <gtest/gtest.h>

#include <string>

#include "rlab/core/check.h"

namespace rlab::envs {
namespace {

TEST(EnvRegistry, ListsTheClassicControlTasksUnderGymnasiumIds) {
  RegisterBuiltins();
  RegisterBuiltins();  // idempotent
  for (const char* name :
       {"Acrobot-v1", "CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"}) {
    EXPECT_TRUE(Envs().Contains(name)) << name;
  }
}

TEST(EnvRegistry, MakeBuildsAVectorFromASpec) {
  RegisterBuiltins();
  auto env = Make("Pendulum-v1(max_episode_steps=50)", 6, 1);
  EXPECT_EQ(env->name(), "Pendulum-v1");
  EXPECT_EQ(env->num_envs(), 6);
  EXPECT_EQ(env->obs_dim(), 3);
  EXPECT_EQ(env->action_dim(), 1);
  EXPECT_EQ(env->max_episode_steps(), 50);
  EXPECT_EQ(env->Reset().observations.size(), 18u);
}

TEST(EnvRegistry, UnknownNamesAndKeysListWhatIsValid) {
  RegisterBuiltins();
  try {
    Make("CartPole-v0", 1, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("CartPole-v1"), std::string::npos) << e.what();
  }
  try {
    Make("CartPole-v1(max_steps=3)", 1, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("max_episode_steps"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Make("CartPole-v1(max_episode_steps=0)", 1, 0), Error);
  EXPECT_THROW(Make("CartPole-v1", 0, 0), Error);
}

}  // namespace
}  // namespace rlab::envs
