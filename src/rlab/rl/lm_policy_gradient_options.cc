#include "rlab/rl/lm_policy_gradient_options.h"

#include "rlab/core/check.h"
#include "rlab/core/spec.h"
#include "rlab/reward/signal/constrained_sources.h"
#include "rlab/reward/signal/kl_controller.h"
#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/reward/signal/reward_transforms.h"
#include "rlab/rl/group_advantages.h"
#include "rlab/rl/loss_aggregations.h"
#include "rlab/rl/prompt_groups.h"
#include "rlab/rl/step_credit.h"

namespace rlab::rl {

std::string LmPolicyGradientOptions::AdvantageSpec(const LmRlAlgorithm& algorithm) const {
  return advantage.empty() ? algorithm.advantage : advantage;
}

std::string LmPolicyGradientOptions::AggregationSpec(const LmRlAlgorithm& algorithm) const {
  return loss_aggregation.empty() ? algorithm.aggregation : loss_aggregation;
}

double LmPolicyGradientOptions::EpsilonHigh(const LmRlAlgorithm& algorithm) const {
  return epsilon_high >= 0             ? epsilon_high
         : algorithm.epsilon_high >= 0 ? algorithm.epsilon_high
                                       : epsilon_low;
}

reward::KlEstimator LmPolicyGradientOptions::Estimator() const {
  return reward::ParseKlEstimator(!kl_estimator.empty() ? kl_estimator
                                  : KlInReward()        ? "k1"
                                                        : "k3");
}

models::GenerationOptions LmPolicyGradientOptions::RolloutGeneration(
    models::GenerationOptions task_defaults) const {
  return sampling.Generation(std::move(task_defaults));
}

void LmPolicyGradientOptions::Validate() const {
  const auto algorithm = MakeLmRlAlgorithm(algo);
  MakeGroupAdvantage(AdvantageSpec(*algorithm));
  MakeLossAggregation(AggregationSpec(*algorithm));
  reward::MakeRewardTransform(reward_transform);
  reward::MakeKlController(kl_controller);
  RLAB_CHECK(kl_penalty == "loss" || kl_penalty == "reward",
             "kl_penalty must be loss or reward, got '{}'", kl_penalty);
  if (!kl_estimator.empty()) reward::ParseKlEstimator(kl_estimator);
  RLAB_CHECK(!reward.empty(), "reward must name at least one source");
  MakeStepCredit(credit);
  if (!process_reward.empty()) {
    RLAB_CHECK(!algorithm->trains_critic,
               "process_reward: algo {} learns a critic from outcome rewards; process rewards "
               "go through credit into the critic-free algos (grpo, dr_grpo, dapo, rloo, "
               "reinforce_pp, bnpo)",
               algo);
    reward::RegisterProcessRewardSources();
    reward::ProcessRewardSources().Get(Spec::Parse(process_reward).name);
  }
  if (!constraints.empty()) {
    RLAB_CHECK(constraints.size() == reward.size(),
               "constraints has {} roles for {} reward sources (one each)", constraints.size(),
               reward.size());
    // Building the combination checks the roles, the weights and the multiplier settings.
    reward::ConstrainedSources(constraints, reward_weights,
                               reward::LagrangeSettings{lagrange_lr, 0.0, max_multiplier});
    RLAB_CHECK(!reward::MakeRewardTransform(reward_transform)->NeedsReference(),
               "reward_transform {} compares with the reference's reward, which constraints "
               "do not define; use identity, centre, standardise or clip",
               reward_transform);
  }
  RLAB_CHECK(reward_weights.empty() || reward_weights.size() == reward.size(),
             "reward_weights has {} entries for {} reward sources", reward_weights.size(),
             reward.size());
  CheckGroupSize(*algorithm, group_size);
  RLAB_CHECK(gamma > 0 && gamma <= 1 && gae_lambda >= 0 && gae_lambda <= 1 && vf_coef >= 0,
             "gamma must be in (0, 1], gae_lambda in [0, 1], vf_coef >= 0");
  sampling.Validate();
  RLAB_CHECK(updates_per_batch >= 1, "updates_per_batch must be >= 1");
  RLAB_CHECK(epsilon_low > 0 && epsilon_low < 1, "epsilon_low must be in (0, 1)");
}

}  // namespace rlab::rl
