#include "rlab/models/generation/sampling.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "rlab/core/check.h"

namespace rlab::models {

void SamplingOptions::Validate() const {
  RLAB_CHECK(std::isfinite(temperature), "sampling: temperature must be finite, got {}",
             temperature);
  RLAB_CHECK(top_k >= 0, "sampling: top_k must be >= 0 (0 = off), got {}", top_k);
  RLAB_CHECK(top_p > 0.0 && top_p <= 1.0, "sampling: top_p must be in (0, 1] (1 = off), got {}",
             top_p);
}

torch::Tensor TruncateLogits(const torch::Tensor& logits, const SamplingOptions& options) {
  const int64_t V = logits.size(-1);
  const double minus_inf = -std::numeric_limits<double>::infinity();
  torch::Tensor out = logits;
  if (options.top_k > 0 && options.top_k < V) {
    const torch::Tensor kth =
        std::get<0>(out.topk(options.top_k, -1)).narrow(-1, options.top_k - 1, 1);  // [B, 1]
    out = out.masked_fill(out < kth, minus_inf);
  }
  if (options.top_p < 1.0) {
    const auto [sorted, order] = out.sort(-1, /*descending=*/true);  // [B, V] each
    const torch::Tensor probs = torch::softmax(sorted, -1);
    // A token is dropped when the tokens before it already reach top_p; the first never is.
    const torch::Tensor before = probs.cumsum(-1) - probs;  // [B, V]
    const torch::Tensor drop_sorted = before >= options.top_p;
    const torch::Tensor drop = torch::zeros_like(drop_sorted).scatter(-1, order, drop_sorted);
    out = out.masked_fill(drop, minus_inf);
  }
  return out;
}

SampledTokens SampleNextTokens(const torch::Tensor& logits, const SamplingOptions& options,
                               at::Generator& generator) {
  RLAB_CHECK(logits.dim() == 2, "sampling: logits must be [B, V], got {} dimensions", logits.dim());
  const torch::Tensor x = logits.to(torch::kFloat32);
  if (options.temperature <= 0.0) {
    const torch::Tensor ids = x.argmax(-1);  // [B]
    const torch::Tensor logprobs =
        torch::log_softmax(x, -1).gather(-1, ids.unsqueeze(-1)).squeeze(-1);
    return {ids, logprobs};
  }
  const torch::Tensor scaled = x / options.temperature;             // [B, V]
  const torch::Tensor truncated = TruncateLogits(scaled, options);  // [B, V]
  const torch::Tensor ids =
      torch::multinomial(torch::softmax(truncated, -1), 1, /*replacement=*/false, generator)
          .squeeze(-1);  // [B]
  const torch::Tensor logprobs =
      torch::log_softmax(scaled, -1).gather(-1, ids.unsqueeze(-1)).squeeze(-1);  // [B]
  return {ids, logprobs};
}

}  // namespace rlab::models
