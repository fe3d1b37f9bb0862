#include "rlab/prefopt/pro_loss.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/reward/model/preference_losses.h"

namespace rlab::prefopt {

torch::Tensor ProLoss(const torch::Tensor& logps, const torch::Tensor& tokens, double sft_weight) {
  RLAB_CHECK(logps.dim() == 2 && logps.size(1) >= 2 && tokens.sizes() == logps.sizes(),
             "pro: logps and tokens must both be [B, K] with K >= 2");
  RLAB_CHECK(sft_weight >= 0, "pro: sft_weight must be >= 0");
  const torch::Tensor per_token = logps / tokens.to(logps.dtype()).clamp_min(1);
  return reward::PlackettLuceLoss(per_token) - sft_weight * per_token.select(1, 0).mean();
}

}  // namespace rlab::prefopt
