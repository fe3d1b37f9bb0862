// Soft actor-critic (Haarnoja et al., "Soft Actor-Critic Algorithms and Applications",
// arXiv:1812.05905) for continuous actions: twin Q networks with Polyak-averaged targets, a
// tanh-squashed Gaussian actor, and automatic tuning of the entropy temperature. Defaults
// are those of CleanRL's sac_continuous_action.py.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rlab/rl/agent.h"

namespace rlab::rl {

struct SacConfig {
  int64_t num_envs = 1;
  int64_t buffer_size = 1000000;
  double gamma = 0.99;
  double tau = 0.005;
  int64_t batch_size = 256;
  int64_t learning_starts = 5000;
  double policy_lr = 3e-4;
  double q_lr = 1e-3;
  int64_t policy_frequency = 2;
  int64_t target_network_frequency = 1;
  double alpha = 0.2;
  bool autotune = true;
  std::optional<double> target_entropy;
  std::vector<int64_t> hidden = {256, 256};
  std::string activation = "relu";
  double log_std_min = -5.0;
  double log_std_max = 2.0;

  template <class V>
  void Fields(V& v) {
    v("num_envs", num_envs, "parallel environments");
    v("buffer_size", buffer_size,
      "replay buffer capacity (transitions; at most the run's steps are kept)");
    v("gamma", gamma, "discount factor");
    v("tau", tau, "target network averaging rate");
    v("batch_size", batch_size, "transitions per gradient step");
    v("learning_starts", learning_starts, "steps of uniformly random actions before learning");
    v("policy_lr", policy_lr, "actor learning rate (Adam)");
    v("q_lr", q_lr, "critic and temperature learning rate (Adam)");
    v("policy_frequency", policy_frequency,
      "steps between actor updates (each time this many are made)");
    v("target_network_frequency", target_network_frequency, "steps between target updates");
    v("alpha", alpha, "entropy temperature when not tuned");
    v("autotune", autotune, "tune the temperature towards target_entropy (starting from 1)");
    v("target_entropy", target_entropy, "entropy target (auto: minus the action dimension)");
    v("hidden", hidden, "hidden widths of the actor and of each Q network");
    v("activation", activation, "relu or tanh");
    v("log_std_min", log_std_min, "lower bound of the actor's log standard deviation");
    v("log_std_max", log_std_max, "upper bound of the actor's log standard deviation");
  }
  void Validate() const;
};

// total_steps bounds the replay buffer (a run never stores more transitions than it takes).
// parallel_networks: run the two Q networks' passes on two threads.
std::unique_ptr<Agent> MakeSacAgent(const SacConfig& config, const envs::VectorEnv& env,
                                    int64_t total_steps, uint64_t seed,
                                    bool parallel_networks = false);

}  // namespace rlab::rl
