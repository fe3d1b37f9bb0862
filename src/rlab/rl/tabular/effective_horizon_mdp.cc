#include "rlab/rl/tabular/effective_horizon_mdp.h"

#include <torch/types.h>

#include <algorithm>
#include <limits>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

std::vector<double> DoubleValues(const torch::Tensor& tensor) {
  const torch::Tensor flat = tensor.to(torch::kDouble).contiguous().reshape({-1});
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

// Q_t(s, a) = r(s, a) + sum_s' P(s' | s, a) next_values(s')   for one step t.
void BackupStep(const EpisodicMdp& mdp, const double* next_values, double* q) {
  for (int64_t s = 0; s < mdp.num_states; ++s) {
    for (int64_t a = 0; a < mdp.num_actions; ++a) {
      double value = mdp.r(s, a);
      for (int64_t next = 0; next < mdp.num_states; ++next) {
        value += mdp.P(s, a, next) * next_values[next];
      }
      q[s * mdp.num_actions + a] = value;
    }
  }
}

}  // namespace

EpisodicMdp MakeEpisodicMdp(const envs::tabular::FiniteMdp& mdp, int64_t horizon) {
  mdp.Validate();
  RLAB_CHECK(horizon >= 1, "episodic MDP: horizon must be >= 1, got {}", horizon);
  EpisodicMdp out;
  out.num_states = mdp.num_states();
  out.num_actions = mdp.num_actions();
  out.horizon = horizon;
  out.transitions = DoubleValues(mdp.transitions);
  out.rewards = DoubleValues(mdp.rewards);
  out.initial = DoubleValues(mdp.initial);
  out.expected_rewards.assign(out.num_states * out.num_actions, 0.0);
  out.absorbing.assign(out.num_states, true);
  for (int64_t s = 0; s < out.num_states; ++s) {
    for (int64_t a = 0; a < out.num_actions; ++a) {
      double r = 0.0;
      for (int64_t next = 0; next < out.num_states; ++next)
        r += out.P(s, a, next) * out.R(s, a, next);
      out.expected_rewards[s * out.num_actions + a] = r;
      if (out.P(s, a, s) < 1.0 - envs::tabular::kDistributionTolerance || out.R(s, a, s) != 0.0) {
        out.absorbing[s] = false;
      }
    }
  }
  return out;
}

StepTable PolicyQ(const EpisodicMdp& mdp, const StepTable& policy) {
  const int64_t S = mdp.num_states, A = mdp.num_actions;
  RLAB_CHECK(static_cast<int64_t>(policy.size()) == mdp.horizon * S * A,
             "PolicyQ: policy has {} entries, expected T * S * A = {}", policy.size(),
             mdp.horizon * S * A);
  StepTable q(mdp.horizon * S * A, 0.0);
  std::vector<double> next_values(S, 0.0);  // V_{t+1}, 0 after the last step
  for (int64_t t = mdp.horizon - 1; t >= 0; --t) {
    BackupStep(mdp, next_values.data(), &q[mdp.Index(t, 0, 0)]);
    for (int64_t s = 0; s < S; ++s) {
      double v = 0.0;
      for (int64_t a = 0; a < A; ++a) v += policy[mdp.Index(t, s, a)] * q[mdp.Index(t, s, a)];
      next_values[s] = v;
    }
  }
  return q;
}

StepTable OptimalQ(const EpisodicMdp& mdp) {
  const int64_t S = mdp.num_states, A = mdp.num_actions;
  StepTable q(mdp.horizon * S * A, 0.0);
  std::vector<double> next_values(S, 0.0);
  for (int64_t t = mdp.horizon - 1; t >= 0; --t) {
    BackupStep(mdp, next_values.data(), &q[mdp.Index(t, 0, 0)]);
    for (int64_t s = 0; s < S; ++s) {
      const double* row = &q[mdp.Index(t, s, 0)];
      next_values[s] = *std::max_element(row, row + A);
    }
  }
  return q;
}

StepTable UniformStepPolicy(const EpisodicMdp& mdp) {
  return StepTable(mdp.horizon * mdp.num_states * mdp.num_actions,
                   1.0 / static_cast<double>(mdp.num_actions));
}

double EpisodeReturn(const EpisodicMdp& mdp, const StepTable& policy) {
  const StepTable q = PolicyQ(mdp, policy);
  double total = 0.0;
  for (int64_t s = 0; s < mdp.num_states; ++s) {
    for (int64_t a = 0; a < mdp.num_actions; ++a) {
      total += mdp.initial[s] * policy[mdp.Index(0, s, a)] * q[mdp.Index(0, s, a)];
    }
  }
  return total;
}

double OptimalReturn(const EpisodicMdp& mdp) {
  const StepTable q = OptimalQ(mdp);
  double total = 0.0;
  for (int64_t s = 0; s < mdp.num_states; ++s) {
    const double* row = &q[mdp.Index(0, s, 0)];
    total += mdp.initial[s] * *std::max_element(row, row + mdp.num_actions);
  }
  return total;
}

double Uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

int64_t SampleIndex(const double* probs, int64_t size, std::mt19937_64& rng) {
  const double u = Uniform01(rng);
  double cumulative = 0.0;
  for (int64_t i = 0; i < size; ++i) {
    cumulative += probs[i];
    if (u < cumulative) return i;
  }
  // Rounding left u above the last partial sum: the last index with mass.
  for (int64_t i = size - 1; i >= 0; --i) {
    if (probs[i] > 0.0) return i;
  }
  return size - 1;
}

Episode SampleEpisode(const EpisodicMdp& mdp, const StepActor& act, std::mt19937_64& rng) {
  Episode episode;
  episode.reserve(mdp.horizon);
  int64_t state = SampleIndex(mdp.initial.data(), mdp.num_states, rng);
  for (int64_t t = 0; t < mdp.horizon && !mdp.absorbing[state]; ++t) {
    const int64_t action = act(t, state, rng);
    const double* row = &mdp.transitions[(state * mdp.num_actions + action) * mdp.num_states];
    const int64_t next = SampleIndex(row, mdp.num_states, rng);
    episode.push_back({t, state, action, mdp.R(state, action, next), next});
    state = next;
  }
  return episode;
}

}  // namespace rlab::rl::tabular
