#include "rlab/prefopt/sequence_logps.h"

#include <torch/torch.h>

#include "rlab/text/token_batch.h"
#include "rlab/models/transformer/token_logprobs.h"

namespace rlab::prefopt {

BatchLogps SequenceLogps(models::Transformer& model, const std::vector<data::SftExample>& sequences,
                         const std::vector<int64_t>& rows, int64_t pad) {
  const data::TokenBatch b = data::CollateRightPadded(sequences, rows, pad);
  const torch::Tensor logits = model(b.ids, b.attention_mask);  // [rows, T, V]
  const torch::Tensor completion = b.loss_mask.slice(1, 1);     // [rows, T-1]: predicted tokens
  const torch::Tensor mean_logits =                             // [rows, T-1]
      logits.detach().slice(1, 0, -1).mean(-1);
  return {models::MaskedLogProbSums(logits, b.ids, b.loss_mask), completion.sum(1), b.ids.numel(),
          (mean_logits * completion.to(mean_logits.dtype())).sum(1)};
}

}  // namespace rlab::prefopt
