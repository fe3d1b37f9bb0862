// How the K members of a reward-model ensemble are combined into one reward per completion,
// as a registry of specs ("mean", "wco", "uwo(lambda=0.5)"), over member rewards [K, N]
// (Coste et al., "Reward Model Ensembles Help Mitigate Overoptimization", arXiv:2310.02743):
//   mean  (1/K) sum_k r_k
//   wco   worst-case optimisation: min_k r_k, a pessimistic bound
//   uwo   uncertainty-weighted optimisation: mean - lambda * var, with the population variance
//         (1/K) sum_k (r_k - mean)^2 as in the paper, penalising completions the members
//         disagree on
//   member one member's reward (index=k), for comparing a single model with its ensemble
// Members should be on comparable scales (the paper standardises each reward model on the
// reference policy's completions before aggregating); that is the caller's choice.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"

namespace rlab::reward {

class EnsembleAggregation {
 public:
  virtual ~EnsembleAggregation() = default;
  // member_rewards [K, N] -> [N].
  virtual torch::Tensor operator()(const torch::Tensor& member_rewards) const = 0;
  virtual std::string Describe() const = 0;
};

using EnsembleAggregationRegistry = Registry<EnsembleAggregation>;
EnsembleAggregationRegistry& EnsembleAggregations();
void RegisterEnsembleAggregations();  // safe to call more than once
std::unique_ptr<EnsembleAggregation> MakeEnsembleAggregation(std::string_view spec);

}  // namespace rlab::reward
