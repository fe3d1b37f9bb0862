// Sampling from the token-level geometric mixture of two language models, the opponent of Nash
// Mirror Descent (Munos et al., "Nash Learning from Human Feedback", arXiv:2312.00886; TRL's
// NashMDTrainer with its GeometricMixtureWrapper): each token is drawn from
//   softmax((1 - alpha) log_softmax(policy logits / T) + alpha log_softmax(reference logits / T)),
// pi^(1 - alpha) ref^alpha renormalised at every position (mixing the raw logits, as TRL does,
// gives the same distribution). alpha = 0 is the policy, alpha = 1 the reference.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

// [B, V] the mixture's next-token log-probabilities from the two models' logits [B, V] each.
// temperature <= 0 (greedy) mixes the untempered distributions.
torch::Tensor MixtureLogProbs(const torch::Tensor& policy_logits,
                              const torch::Tensor& reference_logits, double alpha,
                              double temperature);

// Generate (generate.h) with every token drawn from the mixture, both models decoding with
// their own KV cache. options.sampling's top-k / top-p apply to the mixture; the output's
// logprobs are the drawn tokens' log-probabilities under the mixture. The models must share a
// vocabulary. Runs without autograd (as Generate, not in inference mode); the models' modes are
// left as they are.
GenerationOutput GenerateFromMixture(Transformer& policy, Transformer& reference, double alpha,
                                     const std::vector<std::vector<int64_t>>& prompts,
                                     const GenerationOptions& options, at::Generator& generator);

}  // namespace rlab::models
