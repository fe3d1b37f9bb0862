#include "rlab/rl/tabular/multi_channel_mdp.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

// The index i of `weights` at which the cumulative sum first exceeds u (the last when rounding
// leaves u above the total).
int64_t SampleIndex(const double* weights, int64_t n, double u) {
  double cumulative = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    cumulative += weights[i];
    if (u < cumulative) return i;
  }
  return n - 1;
}

}  // namespace

MultiChannelMdp::MultiChannelMdp(int64_t states, int64_t actions, int64_t channels, double discount)
    : num_states(states),
      num_actions(actions),
      num_channels(channels),
      transitions(states * actions * states, 0.0),
      rewards(states * actions * states * channels, 0.0),
      initial(states, 0.0),
      gamma(discount) {
  RLAB_CHECK(states > 0 && actions > 0 && channels > 0,
             "multi-channel MDP: states, actions and channels must be positive, got {}, {}, {}",
             states, actions, channels);
}

int64_t MultiChannelMdp::SampleNext(int64_t s, int64_t a, Rng& rng) const {
  return SampleIndex(&transitions[(s * num_actions + a) * num_states], num_states, rng.Uniform());
}

bool MultiChannelMdp::IsAbsorbingZero(int64_t s) const {
  for (int64_t a = 0; a < num_actions; ++a) {
    if (P(s, a, s) != 1.0) return false;
    for (int64_t c = 0; c < num_channels; ++c) {
      if (R(s, a, s)[c] != 0.0) return false;
    }
  }
  return true;
}

MultiChannelMdp MultiChannelMdp::Channel(int64_t c) const {
  RLAB_CHECK(c >= 0 && c < num_channels, "channel {} is outside [0, {})", c, num_channels);
  MultiChannelMdp one(num_states, num_actions, 1, gamma);
  one.transitions = transitions;
  one.initial = initial;
  for (size_t i = 0; i < one.rewards.size(); ++i) one.rewards[i] = rewards[i * num_channels + c];
  return one;
}

void MultiChannelMdp::Validate() const {
  envs::tabular::CheckDiscount(gamma);
  for (int64_t s = 0; s < num_states; ++s) {
    for (int64_t a = 0; a < num_actions; ++a) {
      double total = 0.0;
      for (int64_t next = 0; next < num_states; ++next) {
        RLAB_CHECK(P(s, a, next) >= 0.0, "P({} | {}, {}) = {} is negative", next, s, a,
                   P(s, a, next));
        total += P(s, a, next);
        for (int64_t c = 0; c < num_channels; ++c) {
          RLAB_CHECK(std::isfinite(R(s, a, next)[c]), "R({}, {}, {}) channel {} is not finite", s,
                     a, next, c);
        }
      }
      RLAB_CHECK(std::abs(total - 1.0) <= envs::tabular::kDistributionTolerance,
                 "P(. | {}, {}) sums to {}, not 1", s, a, total);
    }
  }
}

envs::tabular::FiniteMdp SummedRewardMdp(const MultiChannelMdp& mdp) {
  const int64_t S = mdp.num_states, A = mdp.num_actions;
  envs::tabular::FiniteMdp out;
  out.transitions = torch::tensor(mdp.transitions, torch::kDouble).view({S, A, S});
  out.rewards = torch::tensor(mdp.rewards, torch::kDouble).view({S, A, S, -1}).sum(3);
  out.initial = torch::tensor(mdp.initial, torch::kDouble);
  out.gamma = mdp.gamma;
  out.Validate();
  return out;
}

int64_t SampleAction(const std::vector<double>& policy, int64_t num_actions, int64_t s, Rng& rng) {
  return SampleIndex(&policy[s * num_actions], num_actions, rng.Uniform());
}

}  // namespace rlab::rl::tabular
