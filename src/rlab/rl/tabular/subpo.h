// SubPO: policy gradient on greedy marginal gains, from "Submodular Reinforcement Learning"
// (Prajapat, Mutny, Zeilinger and Krause, ICLR 2024, arXiv:2307.13372).
//
// The task: a path of `horizon` deterministic grid moves from a start cell, worth F(the set of
// visited cells) for a monotone submodular F (GridCoverage). SubPO rewards step t with the
// marginal gain F(S_t u {s_{t+1}}) - F(S_t), S_t = {s_0, ..., s_t}, whose sum over the episode
// telescopes to F(S_H) - F({s_0}), and trains a time-indexed softmax policy pi(a | s, t) by
// REINFORCE on these history-dependent rewards. The modular baseline trains the same policy on
// the Markov reward F({s_{t+1}}), which ignores what was already covered.
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/rl/tabular/submodular_coverage.h"

namespace rlab::rl::tabular {

struct CoveragePathTask {
  int64_t rows = 8;
  int64_t cols = 8;
  int64_t start = 0;  // the cell of s_0
  int64_t horizon = 10;
};

// The cell one deterministic move from `cell` (actions as in grid_world.h: up, right, down,
// left); a move off the grid stays.
int64_t GridStep(const CoveragePathTask& task, int64_t cell, int64_t action);

enum class PathReward {
  kMarginalGain,  // SubPO: F(S_t u {s_{t+1}}) - F(S_t)
  kModular,       // baseline: F({s_{t+1}})
};

// pi(a | s, t) = softmax over a of logits[t, s, a].
class TimeIndexedSoftmaxPolicy {
 public:
  TimeIndexedSoftmaxPolicy(int64_t horizon, int64_t num_states, int64_t num_actions);
  // probs [A] of pi(. | state, t).
  void Probabilities(int64_t t, int64_t state, std::vector<double>* probs) const;
  int64_t num_actions() const { return num_actions_; }
  std::vector<double>& logits() { return logits_; }  // [H, S, A]
  const std::vector<double>& logits() const { return logits_; }
  int64_t Index(int64_t t, int64_t state, int64_t action) const {
    return (t * num_states_ + state) * num_actions_ + action;
  }

 private:
  int64_t num_states_;
  int64_t num_actions_;
  std::vector<double> logits_;  // [H, S, A]
};

struct PathEpisode {
  std::vector<int64_t> states;   // [H + 1] s_0 ... s_H
  std::vector<int64_t> actions;  // [H]
  std::vector<double> rewards;   // [H] reward of the move a_t (into s_{t+1})
};

PathEpisode SamplePathEpisode(const CoveragePathTask& task, const GridCoverage& coverage,
                              const TimeIndexedSoftmaxPolicy& policy, PathReward reward, Rng& rng);

// The REINFORCE score-function term of one episode: for every step t,
//   grad[t, s_t, .] += scale * advantages[t] * (onehot(a_t) - pi(. | s_t, t)),
// the gradient of scale * sum_t advantages[t] * log pi(a_t | s_t, t). grad [H, S, A].
void AccumulateReinforceGradient(const TimeIndexedSoftmaxPolicy& policy, const PathEpisode& episode,
                                 const std::vector<double>& advantages, double scale,
                                 std::vector<double>* grad);

struct ReinforceOptions {
  int64_t iterations = 300;
  int64_t batch = 32;
  double learning_rate = 5.0;
};

// REINFORCE with reward-to-go and a per-step batch-mean baseline; rewards are divided by
// coverage.total_weight() so that the learning rate does not depend on the weights' scale.
void TrainPathPolicy(const CoveragePathTask& task, const GridCoverage& coverage, PathReward reward,
                     const ReinforceOptions& options, Rng& rng, TimeIndexedSoftmaxPolicy* policy);

// The mean of F(visited cells) / total weight over `episodes` sampled paths.
double MeanPathCoverage(const CoveragePathTask& task, const GridCoverage& coverage,
                        const TimeIndexedSoftmaxPolicy& policy, int64_t episodes, Rng& rng);

// max over all 4^H action sequences of F(visited cells) / total weight (depth-first search).
double OptimalPathCoverage(const CoveragePathTask& task, const GridCoverage& coverage);
// The path that takes the move of largest marginal gain at every step (ties: lowest action).
double GreedyPathCoverage(const CoveragePathTask& task, const GridCoverage& coverage);

}  // namespace rlab::rl::tabular
