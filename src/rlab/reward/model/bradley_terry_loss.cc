#include "rlab/reward/model/bradley_terry_loss.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

torch::Tensor BradleyTerryLoss(const torch::Tensor& reward_a, const torch::Tensor& reward_b,
                               const torch::Tensor& prefers_a) {
  RLAB_CHECK(reward_a.sizes() == reward_b.sizes() && reward_a.sizes() == prefers_a.sizes(),
             "Bradley-Terry loss: shapes differ: {} vs {} vs {}", reward_a.sizes(),
             reward_b.sizes(), prefers_a.sizes());
  const torch::Tensor margin = reward_a - reward_b;  // [B]
  // Numerically stable form: y * softplus(-m) + (1 - y) * softplus(m).
  return (prefers_a * torch::softplus(-margin) + (1 - prefers_a) * torch::softplus(margin)).mean();
}

}  // namespace rlab::reward
