// How a process reward model's step scores (each step's P(still right), process_reward_model.h)
// become one score per completion, for best-of-N selection and for outcome-level uses of a
// PRM, as a registry of specs:
//   min      min_k p_k: a solution is as good as its weakest step (Lightman et al., "Let's
//            Verify Step by Step", arXiv:2305.20050, compare min and product; Wang et al.,
//            "Math-Shepherd", arXiv:2312.08935, select by min)
//   product  prod_k p_k: the probability every step is right if the steps' errors were
//            independent (Lightman et al.'s choice)
//   last     p_K: the final step's score, which under the "still right" labels judges the whole
//            chain (the outcome-style reading)
//   mean     (1/K) sum_k p_k
// A completion without steps (malformed text) scores 0 under every aggregation.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/registry.h"

namespace rlab::reward {

class PrmAggregation {
 public:
  virtual ~PrmAggregation() = default;
  // step_scores [K] in [0, 1] -> one score.
  virtual double operator()(const std::vector<double>& step_scores) const = 0;
  virtual std::string Describe() const = 0;
};

using PrmAggregationRegistry = Registry<PrmAggregation>;
PrmAggregationRegistry& PrmAggregations();
void RegisterPrmAggregations();  // safe to call more than once
std::unique_ptr<PrmAggregation> MakePrmAggregation(std::string_view spec);

}  // namespace rlab::reward
