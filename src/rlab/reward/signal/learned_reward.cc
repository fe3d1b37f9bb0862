#include "rlab/reward/signal/learned_reward.h"

#include <torch/torch.h>

#include <fmt/format.h>

#include "rlab/core/check.h"

namespace rlab::reward {

LearnedReward::LearnedReward(RewardEnsemble ensemble, int64_t batch_rows)
    : ensemble_(std::move(ensemble)), batch_rows_(batch_rows) {
  RLAB_CHECK(ensemble_, "learned reward: the reward ensemble is empty; build one first");
  RLAB_CHECK(batch_rows_ >= 1, "learned reward: batch_rows must be >= 1, got {}", batch_rows_);
}

torch::Tensor LearnedReward::operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                        const torch::Tensor& next_obs) const {
  CheckRewardInputs(obs, actions, next_obs);
  torch::NoGradGuard no_grad;
  const int64_t b = obs.size(0);
  const torch::Tensor o = obs.to(torch::kFloat), a = actions.to(torch::kFloat),
                      n = next_obs.to(torch::kFloat);
  torch::Tensor out = torch::empty({b}, torch::kDouble);  // [B]
  for (int64_t start = 0; start < b; start += batch_rows_) {
    const int64_t end = std::min(b, start + batch_rows_);
    out.slice(0, start, end)
        .copy_(ensemble_->Reward(o.slice(0, start, end), a.slice(0, start, end),
                                 n.slice(0, start, end), /*normalized=*/true));
  }
  return offset_ == 0.0 ? out : out - offset_;
}

std::string LearnedReward::Describe() const {
  const auto& o = ensemble_->options();
  return fmt::format("learned reward ({} members over (s, a{}), normalised, offset {:.4g})",
                     o.members, o.use_next_obs ? ", s'" : "", offset_);
}

}  // namespace rlab::reward
