// PPO with a tabular softmax policy on an episodic MDP: a step-indexed table of logits
// [T, S, A] and of values [T, S], trained on batches of whole episodes with the clipped
// surrogate and GAE advantages (Schulman et al., "Proximal Policy Optimization Algorithms",
// arXiv 1707.06347; GAE from "High-Dimensional Continuous Control Using Generalized Advantage
// Estimation", arXiv 1506.02438). Plain C++ and exact gradients, no autograd: the deep RL
// baseline whose sample complexity the effective horizon is meant to predict.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "rlab/rl/tabular/effective_horizon_mdp.h"

namespace rlab::rl::tabular {

struct TabularPpoOptions {
  int64_t episodes_per_batch = 8;
  int64_t epochs = 4;                // passes of gradient ascent over each batch
  double clip = 0.2;                 // the surrogate's ratio is clipped to [1 - clip, 1 + clip]
  double learning_rate = 0.5;        // step on the logits along the batch's per-episode gradient
  double value_learning_rate = 0.5;  // V(t, s) moves this fraction towards its batch target
  double gae_lambda = 0.95;
  double entropy_coef = 0.0;
  bool normalize_advantages = true;  // to mean 0, std 1 over the batch
};

class TabularPpo {
 public:
  TabularPpo(const EpisodicMdp& mdp, TabularPpoOptions options);

  // Samples one batch with the current policy and updates the policy and the values on it;
  // returns the number of transitions sampled.
  int64_t Iterate(std::mt19937_64& rng);

  StepTable Policy() const;        // softmax of the logits [T, S, A]
  StepTable GreedyPolicy() const;  // one-hot argmax of the logits (ties: lowest action)

 private:
  void Softmax(int64_t t, int64_t s, double* probs) const;

  const EpisodicMdp* mdp_;
  TabularPpoOptions options_;
  std::vector<double> logits_;  // [T, S, A]
  std::vector<double> values_;  // [T, S]
};

}  // namespace rlab::rl::tabular
