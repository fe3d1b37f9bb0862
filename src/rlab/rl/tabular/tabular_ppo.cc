#include "rlab/rl/tabular/tabular_ppo.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

// One sampled step with what the update needs.
struct Sample {
  int64_t t = 0;
  int64_t state = 0;
  int64_t action = 0;
  double old_prob = 0.0;   // pi_old(a | s) at step t
  double advantage = 0.0;  // GAE, normalised when asked
  double target = 0.0;     // value target: GAE advantage + V_old
};

}  // namespace

TabularPpo::TabularPpo(const EpisodicMdp& mdp, TabularPpoOptions options)
    : mdp_(&mdp),
      options_(options),
      logits_(mdp.horizon * mdp.num_states * mdp.num_actions, 0.0),
      values_(mdp.horizon * mdp.num_states, 0.0) {
  RLAB_CHECK(options_.episodes_per_batch >= 1, "tabular PPO: episodes_per_batch must be >= 1");
  RLAB_CHECK(options_.epochs >= 1, "tabular PPO: epochs must be >= 1");
  RLAB_CHECK(options_.clip > 0.0, "tabular PPO: clip must be > 0, got {}", options_.clip);
  RLAB_CHECK(options_.learning_rate > 0.0, "tabular PPO: learning_rate must be > 0");
  RLAB_CHECK(options_.value_learning_rate > 0.0 && options_.value_learning_rate <= 1.0,
             "tabular PPO: value_learning_rate must be in (0, 1]");
  RLAB_CHECK(options_.gae_lambda >= 0.0 && options_.gae_lambda <= 1.0,
             "tabular PPO: gae_lambda must be in [0, 1]");
}

void TabularPpo::Softmax(int64_t t, int64_t s, double* probs) const {
  const int64_t A = mdp_->num_actions;
  const double* row = &logits_[mdp_->Index(t, s, 0)];
  const double top = *std::max_element(row, row + A);
  double total = 0.0;
  for (int64_t a = 0; a < A; ++a) total += probs[a] = std::exp(row[a] - top);
  for (int64_t a = 0; a < A; ++a) probs[a] /= total;
}

int64_t TabularPpo::Iterate(std::mt19937_64& rng) {
  const EpisodicMdp& mdp = *mdp_;
  const int64_t S = mdp.num_states, A = mdp.num_actions;
  std::vector<double> probs(A);
  const StepActor act = [&](int64_t t, int64_t s, std::mt19937_64& g) {
    Softmax(t, s, probs.data());
    return SampleIndex(probs.data(), A, g);
  };

  // Collect the batch; GAE with gamma = 1 over the episode (V = 0 after its last step).
  std::vector<Sample> samples;
  int64_t env_steps = 0;
  for (int64_t e = 0; e < options_.episodes_per_batch; ++e) {
    const Episode episode = SampleEpisode(mdp, act, rng);
    env_steps += static_cast<int64_t>(episode.size());
    const size_t first = samples.size();
    samples.resize(first + episode.size());
    double gae = 0.0;
    for (size_t n = episode.size(); n-- > 0;) {
      const EpisodeStep& step = episode[n];
      const double value = values_[step.t * S + step.state];
      const double next_value =
          n + 1 < episode.size() ? values_[(step.t + 1) * S + step.next_state] : 0.0;
      gae = step.reward + next_value - value + options_.gae_lambda * gae;
      Softmax(step.t, step.state, probs.data());
      samples[first + n] = {step.t, step.state, step.action, probs[step.action], gae, gae + value};
    }
  }
  if (samples.empty()) return env_steps;

  if (options_.normalize_advantages) {
    double mean = 0.0, square = 0.0;
    for (const Sample& x : samples) mean += x.advantage;
    mean /= static_cast<double>(samples.size());
    for (const Sample& x : samples) square += (x.advantage - mean) * (x.advantage - mean);
    const double std = std::sqrt(square / static_cast<double>(samples.size()));
    for (Sample& x : samples) x.advantage = (x.advantage - mean) / (std > 1e-8 ? std : 1.0);
  }

  // Epochs of ascent on the clipped surrogate, summed over steps and averaged over episodes:
  // d/dlogit_b of ratio * adv is ratio * adv * (1[b = a] - pi(b | s)); it is 0 where the clip
  // is active (ratio beyond 1 +- clip in the direction the advantage pushes).
  std::vector<double> grad(logits_.size());
  const double per_episode = 1.0 / static_cast<double>(options_.episodes_per_batch);
  for (int64_t epoch = 0; epoch < options_.epochs; ++epoch) {
    std::fill(grad.begin(), grad.end(), 0.0);
    for (const Sample& x : samples) {
      Softmax(x.t, x.state, probs.data());
      double* g = &grad[mdp.Index(x.t, x.state, 0)];
      const double ratio = probs[x.action] / x.old_prob;
      const bool clipped = (x.advantage > 0.0 && ratio > 1.0 + options_.clip) ||
                           (x.advantage < 0.0 && ratio < 1.0 - options_.clip);
      if (!clipped) {
        for (int64_t b = 0; b < A; ++b) {
          g[b] += ratio * x.advantage * ((b == x.action ? 1.0 : 0.0) - probs[b]);
        }
      }
      if (options_.entropy_coef > 0.0) {
        double entropy = 0.0;
        for (int64_t b = 0; b < A; ++b) entropy -= probs[b] * std::log(probs[b] + 1e-300);
        for (int64_t b = 0; b < A; ++b) {
          g[b] -= options_.entropy_coef * probs[b] * (std::log(probs[b] + 1e-300) + entropy);
        }
      }
    }
    for (size_t i = 0; i < logits_.size(); ++i) {
      logits_[i] += options_.learning_rate * per_episode * grad[i];
    }
  }

  // Values: each visited (t, s) moves towards the mean of its targets in the batch.
  std::vector<double> target_sum(values_.size(), 0.0), target_count(values_.size(), 0.0);
  for (const Sample& x : samples) {
    target_sum[x.t * S + x.state] += x.target;
    target_count[x.t * S + x.state] += 1.0;
  }
  for (size_t i = 0; i < values_.size(); ++i) {
    if (target_count[i] > 0.0) {
      values_[i] += options_.value_learning_rate * (target_sum[i] / target_count[i] - values_[i]);
    }
  }
  return env_steps;
}

StepTable TabularPpo::Policy() const {
  StepTable policy(logits_.size());
  for (int64_t t = 0; t < mdp_->horizon; ++t) {
    for (int64_t s = 0; s < mdp_->num_states; ++s) Softmax(t, s, &policy[mdp_->Index(t, s, 0)]);
  }
  return policy;
}

StepTable TabularPpo::GreedyPolicy() const {
  const int64_t A = mdp_->num_actions;
  StepTable policy(logits_.size(), 0.0);
  for (int64_t t = 0; t < mdp_->horizon; ++t) {
    for (int64_t s = 0; s < mdp_->num_states; ++s) {
      const double* row = &logits_[mdp_->Index(t, s, 0)];
      policy[mdp_->Index(t, s, std::max_element(row, row + A) - row)] = 1.0;
    }
  }
  return policy;
}

}  // namespace rlab::rl::tabular
