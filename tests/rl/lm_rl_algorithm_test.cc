// The algorithm registry of `rlab rl`: every builtin creates; each entry's defaults are the
// table the rl pipeline has always used (advantage estimator, loss aggregation, upper clip,
// group rule, critic, training); the options take the defaults unless overridden; an unknown
// name lists the valid ones.
#include <gtest/gtest.h>

#include <map>

#include "rlab/rl/group_advantages.h"
#include "rlab/rl/lm_policy_gradient_options.h"
#include "rlab/rl/lm_rl_algorithm.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

struct AlgorithmDefaults {
  std::string advantage;
  std::string aggregation;
  double epsilon_high;
  int64_t min_group;
  bool critic;
  bool trains;
};

const std::map<std::string, AlgorithmDefaults>& AlgorithmTable() {
  static const std::map<std::string, AlgorithmDefaults> table = {
      {"grpo", {"grpo", "grpo", -1, 2, false, true}},
      {"dr_grpo", {"grpo(scale_rewards=false)", "dr_grpo", -1, 2, false, true}},
      {"dapo", {"grpo", "dapo", 0.28, 2, false, true}},
      {"rloo", {"rloo", "grpo", -1, 2, false, true}},
      {"reinforce_pp", {"reinforce_pp", "dapo", -1, 2, false, true}},
      {"bnpo", {"bnpo", "grpo", -1, 2, false, true}},
      {"ppo", {"grpo", "dapo", -1, 1, true, true}},
      {"bon", {"grpo", "grpo", -1, 1, false, false}},
  };
  return table;
}

TEST(LmRlAlgorithms, EveryEntryCreatesWithTodaysDefaults) {
  RegisterLmRlAlgorithms();
  RegisterLmRlAlgorithms();  // a second call changes nothing
  std::vector<std::string> want;
  for (const auto& [name, e] : AlgorithmTable()) want.push_back(name);
  EXPECT_EQ(LmRlAlgorithms().List(), want);
  for (const auto& [name, e] : AlgorithmTable()) {
    SCOPED_TRACE(name);
    const auto a = MakeLmRlAlgorithm(name);
    EXPECT_EQ(a->name, name);
    EXPECT_EQ(a->advantage, e.advantage);
    EXPECT_EQ(a->aggregation, e.aggregation);
    EXPECT_EQ(a->epsilon_high, e.epsilon_high);
    EXPECT_EQ(a->MinGroupSize(), e.min_group);
    EXPECT_EQ(a->trains_critic, e.critic);
    EXPECT_EQ(a->trains, e.trains);
    EXPECT_NO_THROW(MakeGroupAdvantage(a->advantage));
  }
}

TEST(LmRlAlgorithms, OptionsTakeTheAlgorithmsDefaultsUnlessGiven) {
  LmPolicyGradientOptions o;
  o.algo = "dapo";
  const auto dapo = MakeLmRlAlgorithm(o.algo);
  EXPECT_EQ(o.EpsilonHigh(*dapo), 0.28);
  EXPECT_EQ(o.AggregationSpec(*dapo), "dapo");
  EXPECT_EQ(o.AdvantageSpec(*dapo), "grpo");
  o.epsilon_high = 0.3;
  o.loss_aggregation = "dr_grpo";
  o.advantage = "rloo";
  EXPECT_EQ(o.EpsilonHigh(*dapo), 0.3);
  EXPECT_EQ(o.AggregationSpec(*dapo), "dr_grpo");
  EXPECT_EQ(o.AdvantageSpec(*dapo), "rloo");
  o.epsilon_low = 0.1;
  EXPECT_EQ(o.EpsilonHigh(*MakeLmRlAlgorithm("grpo")), 0.3);
  o.epsilon_high = -1;
  EXPECT_EQ(o.EpsilonHigh(*MakeLmRlAlgorithm("grpo")), 0.1);  // epsilon_low
  EXPECT_EQ(o.Estimator(), reward::KlEstimator::kK3);
  o.kl_penalty = "reward";
  EXPECT_EQ(o.Estimator(), reward::KlEstimator::kK1);
}

TEST(LmRlAlgorithms, GroupSizeFollowsTheEntry) {
  LmPolicyGradientOptions o;
  o.group_size = 1;
  for (const auto& [name, e] : AlgorithmTable()) {
    SCOPED_TRACE(name);
    o.algo = name;
    if (e.min_group == 1) {
      EXPECT_NO_THROW(o.Validate());
    } else {
      EXPECT_NE(testing::ErrorOf([&] { o.Validate(); }).find("group_size must be >= 2"),
                std::string::npos);
    }
  }
}

TEST(LmRlAlgorithms, AnUnknownNameListsTheValidOnes) {
  const std::string error = testing::ErrorOf([] { MakeLmRlAlgorithm("ppo2"); });
  EXPECT_NE(error.find("unknown algo 'ppo2'"), std::string::npos) << error;
  for (const auto& [name, e] : AlgorithmTable()) {
    EXPECT_NE(error.find(name), std::string::npos) << error;
  }
  EXPECT_NE(testing::ErrorOf([] { MakeLmRlAlgorithm("grpo(beta=1)"); }).find("beta"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::rl
