#include "rlab/eval/reward_distance.h"

#include <torch/torch.h>

#include <memory>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"
#include "rlab/core/spec.h"
#include "rlab/envs/registry.h"
#include "rlab/eval/epic.h"
#include "rlab/eval/epic_sampled.h"
#include "rlab/eval/regret.h"
#include "rlab/eval/starc.h"
#include "rlab/eval/tabular_specs.h"
#include "rlab/reward/signal/learned_reward_file.h"
#include "rlab/reward/signal/reward_specs.h"
#include "rlab/reward/signal/tabular_reward.h"

namespace rlab::eval {

namespace {

bool IsEpic(const RewardDistanceRequest& request) { return request.metric == "epic"; }

// Exact distance and regret on a finite MDP.
RewardDistance TabularDistance(const RewardDistanceRequest& request) {
  const envs::tabular::FiniteMdp mdp = MakeTabularMdp(request.env);
  const double gamma = request.gamma.value_or(mdp.gamma);
  reward::RewardSpecContext context;
  context.true_reward = [&mdp] { return std::make_shared<reward::TabularReward>(mdp.rewards); };
  context.obs_dim = 1;
  context.action_dim = 1;
  context.gamma = gamma;
  context.num_states = mdp.num_states();
  context.num_actions = mdp.num_actions();
  const auto tabulate = [&](const std::string& spec) {
    return reward::TabulateReward(*reward::MakeReward(spec, context), mdp.num_states(),
                                  mdp.num_actions());  // [S, A, S]
  };
  const torch::Tensor ra = tabulate(request.reward_a), rb = tabulate(request.reward_b);
  RewardDistance out;
  out.exact = true;
  out.gamma = gamma;
  out.distance =
      IsEpic(request)
          ? EpicDistance(ra, rb, {.gamma = gamma})
          : StarcDistance(ra, rb,
                          {.canonicalisation = StarcCanonicalisation::kEpic, .gamma = gamma});
  out.normalised_regret =
      ProxyRegret(mdp.transitions, mdp.initial, mdp.gamma, ra, rb).normalised_regret;
  return out;
}

// A reward spec, or the learned reward saved in a run directory (checked against the env).
reward::RewardPtr SpecOrRunReward(const std::string& spec, const std::string& env,
                                  const reward::RewardSpecContext& context) {
  if (!reward::HoldsLearnedReward(spec)) return reward::MakeReward(spec, context);
  const reward::LoadedLearnedReward loaded = reward::LoadLearnedReward(spec);
  const auto& o = loaded.reward->ensemble()->options();
  RLAB_CHECK(o.obs_dim == context.obs_dim && o.action_dim == context.action_dim,
             "{}: the reward was learned on {} (observations {}, actions {}), which does not fit "
             "{} (observations {}, actions {})",
             spec, loaded.env, o.obs_dim, o.action_dim, env, context.obs_dim, context.action_dim);
  return loaded.reward;
}

// Sample-based distance on an environment from the registry.
RewardDistance SampledDistance(const RewardDistanceRequest& request) {
  const double gamma = request.gamma.value_or(0.99);
  std::shared_ptr<const envs::VectorEnv> env = envs::Make(request.env, 1, request.seed);
  reward::RewardSpecContext context;
  context.true_reward = [env] { return std::make_shared<reward::EnvReward>(env); };
  context.obs_dim = env->obs_dim();
  context.action_dim = env->action_dim();
  context.gamma = gamma;
  const reward::RewardPtr ra = SpecOrRunReward(request.reward_a, request.env, context);
  const reward::RewardPtr rb = SpecOrRunReward(request.reward_b, request.env, context);
  const EpicSamples samples = SampleEnvTransitions(
      request.env,
      {.num_transitions = request.samples, .num_samples = request.samples, .seed = request.seed});
  const SampledEpicOptions options{.gamma = gamma};
  const SampledCanonical ca = SampledEpicCanonicalise(*ra, samples, options);
  const SampledCanonical cb = SampledEpicCanonicalise(*rb, samples, options);
  RewardDistance out;
  out.gamma = gamma;
  out.distance = IsEpic(request) ? SampledEpicDistance(ca, cb) : SampledStarcDistance(ca, cb);
  out.constant_a = ca.constant;
  out.constant_b = cb.constant;
  return out;
}

}  // namespace

void RewardDistanceRequest::Validate() const {
  RLAB_CHECK(metric == "epic" || metric == "starc", "metric must be epic or starc, got '{}'",
             metric);
  RLAB_CHECK(samples >= 2, "samples must be at least 2, got {}", samples);
  RLAB_CHECK(!gamma || (*gamma >= 0.0 && *gamma <= 1.0), "gamma must be in [0, 1], got {}",
             gamma.value_or(0.0));
}

RewardDistance ComputeRewardDistance(const RewardDistanceRequest& request) {
  request.Validate();
  envs::RegisterBuiltins();
  const bool tabular = IsTabularSpec(request.env);
  const std::string env_name = Spec::Parse(request.env).name;
  RLAB_CHECK(tabular || envs::Envs().Contains(env_name),
             "unknown env '{}'; valid: {} (exact) or {} (sampled)", env_name,
             JoinNames(TabularMdps().List()), JoinNames(envs::Envs().List()));
  return tabular ? TabularDistance(request) : SampledDistance(request);
}

}  // namespace rlab::eval
