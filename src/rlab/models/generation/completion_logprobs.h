// Log-probabilities of generated completions re-scored by a model in one teacher-forced pass
// over prompt + completion: the reference model's view of the policy's samples (for the KL
// to the reference measured on samples), and the policy's own log-probs with gradients, which
// the RL objectives differentiate.
#pragma once

#include <torch/types.h>

#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

// [B, N]: entry (b, j) is log p(tokens[b, j] | prompt_b, tokens[b, <j]) under
// softmax(logits / temperature); 0 where out.mask is 0. Runs with gradients when the caller
// has them enabled; the model's mode (train / eval) is left as it is. `entropy`, when given,
// receives the per-token entropy of that distribution [B, N] (detached, 0 where masked).
torch::Tensor CompletionLogProbs(Transformer& model, const GenerationOutput& out,
                                 double temperature = 1.0, torch::Tensor* entropy = nullptr);

}  // namespace rlab::models
