#include "rlab/rl/lm_ppo.h"

#include <torch/torch.h>

#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/rl/gae.h"

namespace rlab::rl {

torch::Tensor CompletionValues(models::SequenceRewardModel& critic,
                               const models::GenerationOutput& out) {
  RLAB_CHECK(critic->num_labels() == 1, "a critic has one output, this head has {}",
             critic->num_labels());
  const int64_t prompt_len = out.prompts.ids.size(1), n = out.tokens.size(1);
  if (n == 0) return torch::zeros({out.tokens.size(0), 0});
  const torch::Tensor ids = torch::cat({out.prompts.ids, out.tokens}, 1);
  const torch::Tensor attention = torch::cat({out.prompts.mask, out.mask}, 1);
  // The state before completion token j is everything up to position prompt_len + j - 1.
  const torch::Tensor hidden =
      critic->backbone->Hidden(ids, attention).slice(1, prompt_len - 1, prompt_len + n - 1);
  return critic->score(hidden).squeeze(-1) * out.mask.to(hidden.scalar_type());
}

torch::Tensor TokenRewards(const torch::Tensor& score, const torch::Tensor& mask,
                           const torch::Tensor& token_penalty) {
  RLAB_CHECK(score.dim() == 1 && mask.dim() == 2 && score.size(0) == mask.size(0),
             "token rewards: score must be [B] and mask [B, N], got {} and {}", score.sizes(),
             mask.sizes());
  const torch::Tensor m = mask.to(torch::kFloat32);
  torch::Tensor rewards =
      token_penalty.defined() ? token_penalty.to(torch::kFloat32) * m : torch::zeros_like(m);
  if (m.size(1) == 0) return rewards;
  const torch::Tensor last = (m.sum(1) - 1).clamp_min(0).to(torch::kLong);
  // A row without completion tokens has nowhere to put its score; it stays 0.
  const torch::Tensor has_tokens = (m.sum(1) > 0).to(torch::kFloat32);
  return rewards.scatter_add(1, last.unsqueeze(1),
                             (score.to(torch::kFloat32) * has_tokens).unsqueeze(1));
}

TokenGae ComputeTokenGae(const torch::Tensor& rewards, const torch::Tensor& values,
                         const torch::Tensor& mask, double gamma, double lambda) {
  RLAB_CHECK(
      rewards.dim() == 2 && rewards.sizes() == values.sizes() && rewards.sizes() == mask.sizes(),
      "token GAE: rewards, values and mask must be the same [B, N], got {}, {}, {}",
      rewards.sizes(), values.sizes(), mask.sizes());
  const int64_t b = rewards.size(0), n = rewards.size(1);
  const torch::Tensor m = mask.to(torch::kFloat32);
  // Time-major buffers for rl/gae.h; a row's steps past its last token are terminal zeros.
  const torch::Tensor r = (rewards.to(torch::kFloat32) * m).t().contiguous();
  const torch::Tensor v = (values.detach().to(torch::kFloat32) * m).t().contiguous();
  const torch::Tensor length = m.sum(1).to(torch::kLong);
  const torch::Tensor step = torch::arange(n, torch::kLong).unsqueeze(1);  // [N, 1]
  const torch::Tensor done = (step >= (length - 1).unsqueeze(0)).to(torch::kUInt8).contiguous();
  std::vector<float> last(b, 0.0f), advantages(b * n), returns(b * n);
  ComputeGae({r.data_ptr<float>(), static_cast<size_t>(b * n)},
             {v.data_ptr<float>(), static_cast<size_t>(b * n)},
             {done.data_ptr<uint8_t>(), static_cast<size_t>(b * n)}, last, n, b, gamma, lambda,
             advantages, returns);
  TokenGae out;
  out.advantages = torch::from_blob(advantages.data(), {n, b}, torch::kFloat32).t().clone() * m;
  out.returns = torch::from_blob(returns.data(), {n, b}, torch::kFloat32).t().clone() * m;
  return out;
}

torch::Tensor WhitenMasked(const torch::Tensor& x, const torch::Tensor& mask) {
  const torch::Tensor m = mask.to(x.scalar_type());
  const torch::Tensor count = m.sum();
  RLAB_CHECK(count.item<double>() >= 2, "whitening needs at least two masked entries");
  const torch::Tensor mean = (x * m).sum() / count;
  const torch::Tensor var = (((x - mean) * m).pow(2)).sum() / (count - 1);
  return (x - mean) / (var.sqrt() + 1e-8) * m;
}

torch::Tensor ClippedValueLoss(const torch::Tensor& values, const torch::Tensor& old_values,
                               const torch::Tensor& returns, const torch::Tensor& mask,
                               double clip) {
  const torch::Tensor m = mask.to(values.scalar_type());
  const torch::Tensor target = returns.detach();
  torch::Tensor loss = (values - target).pow(2);
  if (clip > 0) {
    const torch::Tensor old = old_values.detach();
    const torch::Tensor clipped = old + (values - old).clamp(-clip, clip);
    loss = torch::max(loss, (clipped - target).pow(2));
  }
  return 0.5 * (loss * m).sum() / m.sum().clamp_min(1);
}

}  // namespace rlab::rl
