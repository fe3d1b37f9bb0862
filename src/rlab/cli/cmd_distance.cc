// rlab distance: the EPIC or STARC distance between two reward specs on one environment.
// Finite MDPs (GridWorld, RandomMdp) use the exact computation and also report the
// normalised regret of optimising reward-b measured under reward-a; continuous environments
// from the registry use the sample-based estimate over random-policy rollouts. Either reward
// may be a pbrl run directory, which stands for the reward that run learned.
// One line of JSON on stdout, one readable line on stderr.
#include <torch/torch.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "rlab/cli/commands.h"
#include "rlab/core/check.h"
#include "rlab/core/spec.h"
#include "rlab/envs/registry.h"
#include "rlab/eval/epic.h"
#include "rlab/eval/epic_sampled.h"
#include "rlab/eval/regret.h"
#include "rlab/eval/starc.h"
#include "rlab/eval/tabular_specs.h"
#include "rlab/reward/learned_reward_file.h"
#include "rlab/reward/reward_specs.h"
#include "rlab/reward/tabular_reward.h"

namespace rlab::cli {

namespace {

struct DistanceArgs {
  std::string env;
  std::string reward_a;
  std::string reward_b;
  std::string metric = "epic";
  int64_t samples = 4096;
  uint64_t seed = 0;
  double gamma = -1.0;  // < 0: the MDP's discount (finite MDPs) or 0.99
};

// Exact distance and regret on a finite MDP.
nlohmann::json TabularDistance(const DistanceArgs& args) {
  const envs::tabular::FiniteMdp mdp = eval::MakeTabularMdp(args.env);
  const double gamma = args.gamma < 0 ? mdp.gamma : args.gamma;
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
  const torch::Tensor ra = tabulate(args.reward_a), rb = tabulate(args.reward_b);
  const double distance =
      args.metric == "epic"
          ? eval::EpicDistance(ra, rb, {.gamma = gamma})
          : eval::StarcDistance(
                ra, rb, {.canonicalisation = eval::StarcCanonicalisation::kEpic, .gamma = gamma});
  const eval::RegretResult regret =
      eval::ProxyRegret(mdp.transitions, mdp.initial, mdp.gamma, ra, rb);
  return {{"method", "exact"},
          {"gamma", gamma},
          {"distance", distance},
          {"normalised_regret", regret.normalised_regret}};
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

// Sample-based distance on a continuous environment.
nlohmann::json SampledDistance(const DistanceArgs& args) {
  const double gamma = args.gamma < 0 ? 0.99 : args.gamma;
  std::shared_ptr<const envs::VectorEnv> env = envs::Make(args.env, 1, args.seed);
  reward::RewardSpecContext context;
  context.true_reward = [env] { return std::make_shared<reward::EnvReward>(env); };
  context.obs_dim = env->obs_dim();
  context.action_dim = env->action_dim();
  context.gamma = gamma;
  const reward::RewardPtr ra = SpecOrRunReward(args.reward_a, args.env, context);
  const reward::RewardPtr rb = SpecOrRunReward(args.reward_b, args.env, context);
  const eval::EpicSamples samples = eval::SampleEnvTransitions(
      args.env, {.num_transitions = args.samples, .num_samples = args.samples, .seed = args.seed});
  const eval::SampledEpicOptions options{.gamma = gamma};
  const eval::SampledCanonical ca = eval::SampledEpicCanonicalise(*ra, samples, options);
  const eval::SampledCanonical cb = eval::SampledEpicCanonicalise(*rb, samples, options);
  const double distance = args.metric == "epic" ? eval::SampledEpicDistance(ca, cb)
                                                : eval::SampledStarcDistance(ca, cb);
  return {{"method", "sampled"},       {"gamma", gamma},
          {"distance", distance},      {"samples", args.samples},
          {"constant_a", ca.constant}, {"constant_b", cb.constant}};
}

}  // namespace

void AddDistanceCommand(CLI::App& app) {
  auto args = std::make_shared<DistanceArgs>();
  CLI::App* cmd = app.add_subcommand(
      "distance", "EPIC or STARC distance between two reward specs on one environment");
  cmd->add_option("--env", args->env,
                  "GridWorld(...) or RandomMdp(...) (exact), or a registered environment such "
                  "as CartPole-v1 (sampled)")
      ->required();
  cmd->add_option("--reward-a", args->reward_a,
                  "reward spec: true, negated, scaled(factor=0.5), shaped(scale=1, "
                  "potential=random, seed=0), random(seed=0)")
      ->required();
  cmd->add_option("--reward-b", args->reward_b,
                  "reward spec, as --reward-a, or a pbrl run directory (its learned reward; "
                  "sampled environments)")
      ->required();
  cmd->add_option("--metric", args->metric, "epic or starc (EPIC canonicalisation)")
      ->check(CLI::IsMember({"epic", "starc"}));
  cmd->add_option("--samples", args->samples,
                  "sampled only: coverage transitions and expectation samples (each)");
  cmd->add_option("--seed", args->seed, "seed of the samples");
  cmd->add_option("--gamma", args->gamma,
                  "discount for canonicalisation and shaping; < 0: the MDP's own, or 0.99");
  cmd->callback([args] {
    RLAB_CHECK(args->samples >= 2, "--samples must be at least 2, got {}", args->samples);
    RLAB_CHECK(args->gamma < 0 || args->gamma <= 1.0, "--gamma must be in [0, 1], got {}",
               args->gamma);
    envs::RegisterBuiltins();
    const bool tabular = eval::IsTabularSpec(args->env);
    const std::string env_name = Spec::Parse(args->env).name;
    RLAB_CHECK(tabular || envs::Envs().Contains(env_name),
               "unknown --env '{}'; valid: {} (exact) or {} (sampled)", env_name,
               JoinNames(eval::TabularMdps().List()), JoinNames(envs::Envs().List()));
    nlohmann::json out = tabular ? TabularDistance(*args) : SampledDistance(*args);
    out["env"] = args->env;
    out["metric"] = args->metric;
    out["reward_a"] = args->reward_a;
    out["reward_b"] = args->reward_b;
    out["seed"] = args->seed;
    std::printf("%s\n", out.dump().c_str());
    std::string note =
        out.value("method", "") == "exact"
            ? fmt::format(", normalised regret {:.4f}", out["normalised_regret"].get<double>())
            : fmt::format(", {} x {} samples", args->samples, args->samples);
    if (out.value("constant_a", false) || out.value("constant_b", false)) {
      note += "; a reward that is constant up to shaping counts as zero";
    }
    std::fprintf(stderr, "%s(%s, %s) on %s = %.4f (%s%s)\n", args->metric.c_str(),
                 args->reward_a.c_str(), args->reward_b.c_str(), args->env.c_str(),
                 out["distance"].get<double>(), out["method"].get<std::string>().c_str(),
                 note.c_str());
  });
}

}  // namespace rlab::cli
