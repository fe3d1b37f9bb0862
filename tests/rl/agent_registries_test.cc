// The registries of control agents (rl/control_agents.h) and PbRL agents (rl/pbrl_agents.h,
// with prefopt's cpl): every entry builds an agent that steps its environment, each PbRL
// agent answers its properties, and an unknown name lists the valid ones.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/envs/registry.h"
#include "rlab/prefopt/cpl.h"
#include "rlab/prefopt/cpl_pbrl_agent.h"
#include "rlab/rl/control_agents.h"
#include "rlab/rl/pbrl_agents.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

// Small networks and short rollouts: every entry steps once in well under a second.
struct SmallAgentConfigs {
  SmallAgentConfigs() {
    ppo.num_steps = 32;
    ppo.num_minibatches = 2;
    ppo.update_epochs = 1;
    ppo.hidden = {8};
    sac.hidden = {8};
    sac.learning_starts = 4;
    sac.batch_size = 4;
    pebble.pretrain_steps = 300;
    cpl.hidden = {8};
    cpl.num_envs = 2;
    cpl.num_steps = 16;
  }
  PpoConfig ppo;
  SacConfig sac;
  PebbleConfig pebble;
  prefopt::CplConfig cpl;
};

TEST(ControlAgents, EveryEntryBuildsAnAgentThatSteps) {
  RegisterControlAgents();
  EXPECT_EQ(ControlAgents().List(), (std::vector<std::string>{"ppo", "sac"}));
  const SmallAgentConfigs c;
  for (const std::string& name : ControlAgents().List()) {
    SCOPED_TRACE(name);
    ControlSetup setup = MakeControlAgent(name, "Pendulum-v1", {c.ppo, c.sac, 1000, 1}, 7);
    ASSERT_NE(setup.agent, nullptr);
    EXPECT_DOUBLE_EQ(setup.gamma, 0.99);
    setup.agent->Begin(*setup.env, 3);
    const IterationReport report = setup.agent->Iterate(*setup.env, TrainingReward());
    EXPECT_GT(report.env_steps, 0);
  }
}

TEST(ControlAgents, EntriesAnswerTheirDiscount) {
  SmallAgentConfigs c;
  c.ppo.gamma = 0.9;
  c.sac.gamma = 0.8;
  EXPECT_DOUBLE_EQ(MakeControlAgent("ppo", "CartPole-v1", {c.ppo, c.sac, 1000, 1}, 7).gamma, 0.9);
  EXPECT_DOUBLE_EQ(MakeControlAgent("sac", "Pendulum-v1", {c.ppo, c.sac, 1000, 1}, 7).gamma, 0.8);
}

TEST(ControlAgents, UnknownNameListsTheValidOnes) {
  const SmallAgentConfigs c;
  const std::string error = testing::ErrorOf([&] {
    MakeControlAgent("a2c", "CartPole-v1", {c.ppo, c.sac, 1000, 1}, 7);
  });
  EXPECT_TRUE(testing::Contains(error, "unknown control agent 'a2c'; valid names: ppo, sac"))
      << error;
}

PbrlAgentOptions SmallPbrlAgentOptions(const SmallAgentConfigs& c) {
  return {
      "Pendulum-v1", 1000, /*feedback_start=*/100, /*run_seed=*/5, /*blas_threads=*/1, c.ppo, c.sac,
      c.pebble,      c.cpl};
}

TEST(PbrlAgents, EveryEntryBuildsAnAgentThatSteps) {
  prefopt::RegisterPbrlAgents();
  EXPECT_EQ(PbrlAgents().List(), (std::vector<std::string>{"cpl", "pebble", "prefppo", "spo"}));
  const SmallAgentConfigs c;
  for (const std::string& name : PbrlAgents().List()) {
    SCOPED_TRACE(name);
    std::unique_ptr<PbrlAgent> agent = PbrlAgents().Create(name, SmallPbrlAgentOptions(c));
    ASSERT_NE(agent, nullptr);
    agent->agent().Begin(*agent->env(), 3);
    const IterationReport report = agent->agent().Iterate(*agent->env(), TrainingReward());
    EXPECT_GT(report.env_steps, 0);
    agent->AfterIteration(0, report.env_steps);
  }
}

TEST(PbrlAgents, PropertiesAndHooksSayHowTheyDiffer) {
  prefopt::RegisterPbrlAgents();
  const SmallAgentConfigs c;
  auto prefppo = PbrlAgents().Create("prefppo", SmallPbrlAgentOptions(c));
  EXPECT_TRUE(prefppo->learns_reward_model());
  EXPECT_EQ(prefppo->first_round(), 100);
  EXPECT_FALSE(prefppo->pretraining());
  EXPECT_FALSE(prefppo->AfterRound());
  EXPECT_THROW(prefppo->LearnFromPreferences({}), Error);

  auto pebble = PbrlAgents().Create("pebble", SmallPbrlAgentOptions(c));
  EXPECT_TRUE(pebble->learns_reward_model());
  EXPECT_EQ(pebble->first_round(), 300);  // after pre-training
  EXPECT_TRUE(pebble->pretraining());
  EXPECT_TRUE(pebble->AfterRound());  // ends pre-training: critics reset, state replaced
  EXPECT_FALSE(pebble->pretraining());
  EXPECT_TRUE(pebble->critics_reset());
  EXPECT_FALSE(pebble->AfterRound());

  auto cpl = PbrlAgents().Create("cpl", SmallPbrlAgentOptions(c));
  EXPECT_FALSE(cpl->learns_reward_model());
  EXPECT_EQ(cpl->first_round(), 100);
  EXPECT_FALSE(cpl->pretraining());
}

TEST(PbrlAgents, UnknownNameListsTheValidOnes) {
  prefopt::RegisterPbrlAgents();
  const SmallAgentConfigs c;
  const std::string error =
      testing::ErrorOf([&] { PbrlAgents().Create("dpo", SmallPbrlAgentOptions(c)); });
  EXPECT_TRUE(
      testing::Contains(error, "unknown pbrl agent 'dpo'; valid names: cpl, pebble, prefppo"))
      << error;
}

}  // namespace
}  // namespace rlab::rl
