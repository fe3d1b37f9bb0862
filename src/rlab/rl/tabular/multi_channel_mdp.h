// A finite MDP whose reward is a vector of channels, in plain vectors for fast tabular loops:
// the task of the several-reward-channel studies (MD3QN, Orchestrated Value Mapping). The
// scalar reward of the task is the sum of its channels.
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::rl::tabular {

struct MultiChannelMdp {
  int64_t num_states = 0;
  int64_t num_actions = 0;
  int64_t num_channels = 0;
  std::vector<double> transitions;  // [S, A, S'] P(s' | s, a)
  std::vector<double> rewards;      // [S, A, S', C] channel c of R(s, a, s')
  std::vector<double> initial;      // [S]
  double gamma = 0.9;

  // Zero-filled tables of these sizes.
  MultiChannelMdp(int64_t states, int64_t actions, int64_t channels, double discount);

  double& P(int64_t s, int64_t a, int64_t next) {
    return transitions[(s * num_actions + a) * num_states + next];
  }
  double P(int64_t s, int64_t a, int64_t next) const {
    return transitions[(s * num_actions + a) * num_states + next];
  }
  // The C channels of R(s, a, s'), contiguous.
  double* R(int64_t s, int64_t a, int64_t next) {
    return &rewards[((s * num_actions + a) * num_states + next) * num_channels];
  }
  const double* R(int64_t s, int64_t a, int64_t next) const {
    return &rewards[((s * num_actions + a) * num_states + next) * num_channels];
  }

  // s' ~ P(. | s, a).
  int64_t SampleNext(int64_t s, int64_t a, Rng& rng) const;
  // A state every action keeps with probability 1 and zero reward on every channel.
  bool IsAbsorbingZero(int64_t s) const;
  // The one-channel task of channel c.
  MultiChannelMdp Channel(int64_t c) const;
  // Throws rlab::Error on rows that are not distributions or non-finite rewards.
  void Validate() const;
};

// The scalar task: rewards are the channels' sum, as double tensors for the exact solvers.
envs::tabular::FiniteMdp SummedRewardMdp(const MultiChannelMdp& mdp);

// a ~ policy(. | s) for a policy [S, A] in a plain vector.
int64_t SampleAction(const std::vector<double>& policy, int64_t num_actions, int64_t s, Rng& rng);

}  // namespace rlab::rl::tabular
