// What a preference-optimisation step asks of a language model: the summed completion
// log-probs of some sequences, scored in one right-padded forward pass.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "rlab/text/sft_dataset.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::prefopt {

// Summed completion log-probs [rows] of the sequences at `rows`, one forward pass (with
// gradients when enabled), and their completion lengths.
struct BatchLogps {
  torch::Tensor logps;   // [rows]
  torch::Tensor tokens;  // [rows] float
  int64_t padded_tokens = 0;
  // [rows], detached: the sum over completion tokens of the mean logit over the vocabulary at
  // each (TRL's logits/chosen divides such sums by the token count).
  torch::Tensor logit_sums;
};
BatchLogps SequenceLogps(models::Transformer& model, const std::vector<data::SftExample>& sequences,
                         const std::vector<int64_t>& rows, int64_t pad);

}  // namespace rlab::prefopt
