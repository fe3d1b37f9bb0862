// Proximal policy optimisation (Schulman et al., "Proximal Policy Optimization Algorithms",
// arXiv:1707.06347) for discrete and continuous actions, with the defaults of CleanRL's
// ppo.py (discrete) and ppo_continuous_action.py (continuous); settings marked `auto` take
// the default of the script that matches the environment's action space.
//
// Where it deliberately differs from CleanRL: an episode cut by the time limit (truncated,
// not terminated) is bootstrapped with the critic's value of its final observation, added
// to the last reward (bootstrap_truncated; CleanRL treats truncation as termination).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rlab/rl/agent.h"

namespace rlab::rl {

struct PpoConfig {
  std::optional<int64_t> num_envs;
  std::optional<int64_t> num_steps;
  std::optional<int64_t> num_minibatches;
  std::optional<int64_t> update_epochs;
  std::optional<double> learning_rate;
  std::optional<double> ent_coef;
  std::optional<bool> norm_obs;
  std::optional<bool> norm_reward;
  bool anneal_lr = true;
  double gamma = 0.99;
  double gae_lambda = 0.95;
  bool norm_adv = true;
  double clip_coef = 0.2;
  bool clip_vloss = true;
  double vf_coef = 0.5;
  double max_grad_norm = 0.5;
  double target_kl = 0.0;
  std::vector<int64_t> hidden = {64, 64};
  std::string activation = "tanh";
  double adam_eps = 1e-5;
  bool bootstrap_truncated = true;
  double clip_obs = 10.0;
  double clip_reward = 10.0;

  template <class V>
  void Fields(V& v) {
    v("num_envs", num_envs, "parallel environments (auto: 4 discrete, 1 continuous)");
    v("num_steps", num_steps,
      "steps per environment per rollout (auto: 128 discrete, 2048 continuous)");
    v("num_minibatches", num_minibatches,
      "minibatches per epoch (auto: 4 discrete, 32 continuous)");
    v("update_epochs", update_epochs, "epochs over each rollout (auto: 4 discrete, 10 continuous)");
    v("learning_rate", learning_rate,
      "Adam learning rate (auto: 2.5e-4 discrete, 3e-4 continuous)");
    v("ent_coef", ent_coef, "entropy bonus coefficient (auto: 0.01 discrete, 0 continuous)");
    v("norm_obs", norm_obs,
      "running observation normalisation (auto: off discrete, on continuous)");
    v("norm_reward", norm_reward,
      "scale rewards by the running std of the discounted return (auto: off discrete, on "
      "continuous)");
    v("anneal_lr", anneal_lr, "decay the learning rate linearly to 0");
    v("gamma", gamma, "discount factor");
    v("gae_lambda", gae_lambda, "GAE lambda");
    v("norm_adv", norm_adv, "normalise advantages per minibatch");
    v("clip_coef", clip_coef, "surrogate (and value) clipping range");
    v("clip_vloss", clip_vloss, "clip the value loss as the policy loss");
    v("vf_coef", vf_coef, "value loss coefficient");
    v("max_grad_norm", max_grad_norm, "joint gradient norm limit");
    v("target_kl", target_kl, "stop an update's epochs when approx_kl exceeds this (0 = never)");
    v("hidden", hidden, "hidden widths of the actor and of the critic");
    v("activation", activation, "tanh or relu");
    v("adam_eps", adam_eps, "Adam epsilon");
    v("bootstrap_truncated", bootstrap_truncated,
      "bootstrap time-limit truncations from the final observation");
    v("clip_obs", clip_obs, "clip normalised observations to +-this");
    v("clip_reward", clip_reward, "clip normalised rewards to +-this");
  }
  void Validate() const;
};

// PpoConfig with every `auto` filled in for one action space.
struct PpoSettings {
  int64_t num_envs, num_steps, num_minibatches, update_epochs;
  double learning_rate, ent_coef;
  bool norm_obs, norm_reward;
  PpoConfig config;                // the rest
  int64_t total_steps = 0;         // for learning-rate annealing
  bool parallel_networks = false;  // update actor and critic on two threads
  int64_t batch_size() const { return num_envs * num_steps; }
  int64_t minibatch_size() const { return batch_size() / num_minibatches; }
  int64_t num_iterations() const { return std::max<int64_t>(1, total_steps / batch_size()); }
};
PpoSettings ResolvePpo(const PpoConfig& config, bool discrete_actions, int64_t total_steps);

std::unique_ptr<Agent> MakePpoAgent(const PpoSettings& settings, const envs::VectorEnv& env,
                                    uint64_t seed);

}  // namespace rlab::rl
