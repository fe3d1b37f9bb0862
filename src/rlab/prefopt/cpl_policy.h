// The policies Contrastive Preference Learning trains (prefopt/cpl.h): a categorical policy for
// discrete action spaces and a Gaussian one for boxes. CPL needs only log pi(a | s) of stored
// actions and a way to act; both policies are small MLPs over the observation.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/envs/space.h"

namespace rlab::prefopt {

class CplPolicy {
 public:
  virtual ~CplPolicy() = default;
  // log pi(a | s) of observations [..., D] and actions [..., A] (A = 1, the index, for a
  // discrete space) -> [...].
  virtual torch::Tensor LogProb(const torch::Tensor& obs, const torch::Tensor& actions) = 0;
  // Actions for n observations [n, D] as the environment takes them: n indices (as floats) for
  // a discrete space, [n, A] values inside the box otherwise. Sampled, or the mode when
  // deterministic.
  virtual void Act(std::span<const float> obs, int64_t n, bool deterministic, Rng& rng,
                   std::vector<float>& actions) = 0;
  // The trainable parameters, as one module for the optimiser and the checkpoint.
  virtual std::shared_ptr<torch::nn::Module> module() = 0;
};

// Categorical over a discrete space's n actions (logits from the MLP).
std::unique_ptr<CplPolicy> MakeCategoricalCplPolicy(int64_t obs_dim, int64_t actions,
                                                    const std::vector<int64_t>& hidden);

// Gaussian over a box: the mean is the box's centre plus its half-width times tanh of the MLP's
// output, so the mode always lies inside; one learned log standard deviation per action
// dimension, in units of the half-width, starting at log(init_std) and kept in [-5, 1].
// Sampled actions are clipped to the box, so the stored action is the one executed; its
// log-probability is the unclipped Gaussian density there.
std::unique_ptr<CplPolicy> MakeGaussianCplPolicy(int64_t obs_dim, const envs::Space& box,
                                                 const std::vector<int64_t>& hidden,
                                                 double init_std);

}  // namespace rlab::prefopt
