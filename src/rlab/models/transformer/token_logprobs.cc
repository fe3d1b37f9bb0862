#include "rlab/models/transformer/token_logprobs.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::models {

namespace {

void CheckShapes(const torch::Tensor& logits, const torch::Tensor& ids) {
  RLAB_CHECK(logits.dim() == 3 && ids.dim() == 2 && logits.size(0) == ids.size(0) &&
                 logits.size(1) == ids.size(1) && ids.size(1) >= 2,
             "token log-probs: need logits [B, T, V] and ids [B, T] with T >= 2, got {} and {}",
             logits.sizes(), ids.sizes());
}

}  // namespace

torch::Tensor NextTokenLogProbs(const torch::Tensor& logits, const torch::Tensor& ids) {
  CheckShapes(logits, ids);
  const int64_t T = ids.size(1);
  const torch::Tensor predicted = logits.slice(1, 0, T - 1);                 // [B, T-1, V]
  const torch::Tensor targets = ids.slice(1, 1).unsqueeze(-1);               // [B, T-1, 1]
  return torch::log_softmax(predicted, -1).gather(-1, targets).squeeze(-1);  // [B, T-1]
}

torch::Tensor MaskedNllSum(const torch::Tensor& logits, const torch::Tensor& ids,
                           const torch::Tensor& loss_mask) {
  CheckShapes(logits, ids);
  RLAB_CHECK(loss_mask.sizes() == ids.sizes(), "token log-probs: loss_mask {} must match ids {}",
             loss_mask.sizes(), ids.sizes());
  const int64_t B = ids.size(0), T = ids.size(1), V = logits.size(2);
  // cross_entropy fuses log_softmax and the gather, which saves a [B, T, V] temporary.
  const torch::Tensor nll = torch::nn::functional::cross_entropy(
      logits.slice(1, 0, T - 1).reshape({B * (T - 1), V}), ids.slice(1, 1).reshape({B * (T - 1)}),
      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));  // [B (T-1)]
  return (nll * loss_mask.slice(1, 1).reshape({B * (T - 1)}).to(nll.scalar_type())).sum();
}

torch::Tensor MaskedLogProbSums(const torch::Tensor& logits, const torch::Tensor& ids,
                                const torch::Tensor& loss_mask) {
  CheckShapes(logits, ids);
  RLAB_CHECK(loss_mask.sizes() == ids.sizes(), "token log-probs: loss_mask {} must match ids {}",
             loss_mask.sizes(), ids.sizes());
  const torch::Tensor logps = NextTokenLogProbs(logits, ids);  // [B, T-1]
  return (logps * loss_mask.slice(1, 1).to(logps.scalar_type())).sum(1);
}

}  // namespace rlab::models
