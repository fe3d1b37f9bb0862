#include "rlab/prefopt/online_objectives/log_ratio_regression.h"

#include <torch/torch.h>

namespace rlab::prefopt {

OnlineLoss LogRatioRegression(const OnlineBatch& batch, const torch::Tensor& target,
                              const torch::Tensor& estimate, const std::string& spread_name) {
  const torch::Tensor log_ratio = batch.logps - batch.old_logps;  // [P, G]
  const torch::Tensor loss = (log_ratio - target.detach()).pow(2).mean();
  const torch::Tensor spread = std::get<0>(estimate.max(1)) - std::get<0>(estimate.min(1));
  return {loss,
          {{"log_ratio", log_ratio.detach().mean().item<double>()},
           {spread_name, spread.mean().item<double>()}}};
}

}  // namespace rlab::prefopt
