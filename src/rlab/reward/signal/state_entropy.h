// PEBBLE's intrinsic reward for unsupervised pre-training: a particle-based estimate of state
// entropy, which rewards a state by its distance to its k-th nearest neighbour among the
// visited states (Lee, Smith, Abbeel, "PEBBLE: Feedback-Efficient Interactive Reinforcement
// Learning via Relabeling Experience and Unsupervised Pre-training", arXiv:2106.05091,
// section 4.1, eq. 3; the estimator of Singh et al., "Nearest neighbor estimates of entropy",
// 2003, as used by Liu and Abbeel, "Behavior From the Void: Unsupervised Active
// Pre-Training", arXiv:2103.04551):
//
//   r_int(s) = log(c + ||s - s^k||),   s^k the k-th nearest neighbour of s (s itself excluded)
//
// then divided by its standard deviation over the states rewarded (PEBBLE divides by a
// running estimate of the standard deviation), so that its scale does not depend on the
// environment. PEBBLE's code rewards the states of each sampled minibatch against the whole
// replay buffer at every update; the pbrl pipeline rewards every stored state against all
// the others and relabels the buffer at a fixed cadence instead (see pipeline/control/pbrl.h).
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace rlab::reward {

struct StateEntropyOptions {
  int64_t k = 5;              // PEBBLE's default
  double c = 1.0;             // inside the log; PEBBLE's paper leaves it a constant
  bool log = true;            // false: the raw distance, as PEBBLE's code uses
  bool normalize = true;      // divide by the standard deviation over the states rewarded
  int64_t batch_rows = 1024;  // query rows per distance block (bounds memory at rows x N)
  void Validate() const;
};

// Distance from each query [B, D] to its k-th nearest point in points [N, D] (k counts from
// 1; a point at distance 0, such as the query itself, counts like any other) -> float64 [B].
torch::Tensor KthNeighbourDistance(const torch::Tensor& queries, const torch::Tensor& points,
                                   int64_t k, int64_t batch_rows = 1024);

// The intrinsic reward of each of N states [N, D] against all the others -> float64 [N].
// Needs N > k.
torch::Tensor StateEntropyRewards(const torch::Tensor& states, const StateEntropyOptions& options);

}  // namespace rlab::reward
