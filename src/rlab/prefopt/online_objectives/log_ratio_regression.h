// The regression that SPPO and GPO share: each sample's log-ratio to the sampling policy pi_t
// is fitted to a target, the policy of the iteration's closed-form update,
//   L = mean_{p,i} (log pi(y_i | x_p) - log pi_t(y_i | x_p) - target_{p,i})^2.
#pragma once

#include <torch/types.h>

#include <string>

#include "rlab/prefopt/online_objective.h"

namespace rlab::prefopt {

// target [P, G] (detached). The figures: `log_ratio`, the mean of log pi - log pi_t, and
// `<spread_name>`, the mean over prompts of max - min of `estimate` [P, G] (how much the judge
// separates a group's samples).
OnlineLoss LogRatioRegression(const OnlineBatch& batch, const torch::Tensor& target,
                              const torch::Tensor& estimate, const std::string& spread_name);

}  // namespace rlab::prefopt
