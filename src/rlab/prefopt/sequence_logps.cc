#include "rlab/prefopt/sequence_logps.h"

#include <torch/torch.h>

#include "rlab/text/token_batch.h"
#include "rlab/models/transformer/token_logprobs.h"

namespace rlab::prefopt {

BatchLogps SequenceLogps(models::Transformer& model, const std::vector<data::SftExample>& sequences,
                         const std::vector<int64_t>& rows, int64_t pad) {
  const data::TokenBatch b = data::CollateRightPadded(sequences, rows, pad);
  return {models::MaskedLogProbSums(model(b.ids, b.attention_mask), b.ids, b.loss_mask),
          b.loss_mask.slice(1, 1).sum(1), b.ids.numel()};
}

}  // namespace rlab::prefopt
