#include "rlab/rl/training_reward.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::rl {

std::string TrainingReward::Describe() const {
  return fn_ ? fn_->Describe() : std::string("the environment's reward");
}

void TrainingReward::Compute(std::span<const float> obs, std::span<const float> actions,
                             std::span<const float> next_obs, std::span<const float> env_rewards,
                             int64_t n, std::span<float> out) const {
  if (!fn_) {
    std::copy(env_rewards.begin(), env_rewards.end(), out.begin());
    return;
  }
  const int64_t d = static_cast<int64_t>(obs.size()) / n;
  const int64_t a = static_cast<int64_t>(actions.size()) / n;
  auto wrap = [n](std::span<const float> s, int64_t w) {
    return torch::from_blob(const_cast<float*>(s.data()), {n, w});
  };
  torch::NoGradGuard no_grad;
  const torch::Tensor r = (*fn_)(wrap(obs, d), wrap(actions, a), wrap(next_obs, d))
                              .to(torch::kDouble)
                              .contiguous();  // [N]
  RLAB_CHECK(r.numel() == n, "reward {} returned {} values for {} transitions", fn_->Describe(),
             r.numel(), n);
  const double* rd = r.data_ptr<double>();
  for (int64_t i = 0; i < n; ++i) {
    RLAB_CHECK(std::isfinite(rd[i]), "reward {} returned {} for a transition", fn_->Describe(),
               rd[i]);
    out[i] = static_cast<float>(rd[i]);
  }
}

}  // namespace rlab::rl
