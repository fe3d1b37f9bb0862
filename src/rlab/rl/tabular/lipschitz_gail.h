// Off-policy adversarial imitation with a Lipschitz reward penalty, on a grid world whose
// states the discriminator sees as continuous (x, y) positions. "Lipschitzness Is All You Need
// To Tame Off-policy Generative Adversarial Imitation Learning" (Blondé, Strasser and Kalousis,
// arXiv:2006.16785).
//
// The discriminator D(s, a) = sigmoid(f(x(s), a)) is a small MLP trained to tell expert
// samples (label 1) from samples of a replay buffer that holds every past policy's samples
// (label 0: off-policy). The learner sees the reward r = -log(1 - D) = softplus(f) and
// answers it exactly with soft value iteration. The paper's remedy is a gradient penalty on
// the discriminator, lambda E_x[(||grad_x f(x)|| - k)^2] at points x interpolated between
// expert and buffer samples (lambda = 10, k = 1), which keeps the reward locally Lipschitz:
// |d r / d x| = sigmoid(f) |d f / d x| <= |d f / d x|.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "rlab/core/rng.h"

namespace rlab::rl::tabular {

// r = -log(1 - sigmoid(logit)) = softplus(logit), computed without overflow; logits of any
// shape.
torch::Tensor ImitationRewardFromLogit(const torch::Tensor& logit);

// mean_i (||grad_x f(x_i)||_2 - target)^2 over x_i = u_i expert_i + (1 - u_i) policy_i, for
// expert and policy [B, F] and mixing weights u [B] in [0, 1]; f maps [B, F] to logits [B]. The
// result keeps its graph so that it can be minimised (double backward).
torch::Tensor GradientPenalty(const std::function<torch::Tensor(const torch::Tensor&)>& f,
                              const torch::Tensor& expert, const torch::Tensor& policy,
                              const torch::Tensor& mix, double target);

// A first-in first-out buffer of feature rows [F] from every policy so far; sampling is uniform
// over what it holds, so a policy's share of a batch is its share of the buffer.
class ReplayBuffer {
 public:
  ReplayBuffer(int64_t capacity, int64_t features);
  void Add(const std::vector<double>& row);
  int64_t size() const { return static_cast<int64_t>(rows_.size()); }
  // [n, F] rows drawn uniformly with replacement.
  torch::Tensor Sample(int64_t n, Rng& rng) const;
  const std::vector<double>& row(int64_t i) const { return rows_[static_cast<size_t>(i)]; }

 private:
  int64_t capacity_;
  int64_t features_;
  std::vector<std::vector<double>> rows_;
  int64_t next_ = 0;  // the slot the next row overwrites once full
};

struct LipschitzGailOptions {
  int64_t grid = 6;            // grid side; start top-left, goal bottom-right
  double slip = 0.2;           // grid world slip
  double gamma = 0.9;          // discount
  double feature_noise = 0.1;  // std of the Gaussian noise on sampled (x, y) in [-1, 1]
  int64_t expert_episodes = 8;
  int64_t horizon = 20;      // steps per episode (the goal is absorbing; its steps count)
  int64_t iterations = 100;  // rounds of collect, train D, re-plan
  int64_t episodes_per_iteration = 2;
  int64_t buffer_capacity = 100000;
  int64_t discriminator_steps = 5;
  int64_t batch = 64;
  int64_t hidden = 64;
  double learning_rate = 1e-3;
  double penalty_weight = 10.0;  // 0: no gradient penalty
  double penalty_target = 1.0;   // k
  double temperature = 0.05;     // the learner's soft-max temperature
  // The learner's reward for (s, a): true, the discriminator at a fresh noisy observation of
  // the cell each round (as an off-policy critic sees rewards at the states it sampled); false,
  // at the cell's centre.
  bool observed_rewards = true;
};

struct LipschitzGailResult {
  std::vector<double> normalised_returns;  // per iteration, after re-planning: 1 = expert,
                                           // 0 = uniform policy (true reward)
  std::vector<double> reward_lipschitz;    // per iteration: the learned reward's largest
                                           // |r(s,a) - r(s',a)| / ||x(s) - x(s')|| over
                                           // neighbouring cells s, s' and actions a
};

LipschitzGailResult RunLipschitzGail(const LipschitzGailOptions& options, uint64_t seed);

}  // namespace rlab::rl::tabular
