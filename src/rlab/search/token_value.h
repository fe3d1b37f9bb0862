// Value Augmented Sampling (Han et al., "Value Augmented Sampling for Language Model Alignment
// and Personalization", arXiv:2405.06639): a value Q(s, a) of every next token, learned from
// samples of the frozen base policy alone, steers decoding without touching the base:
//   pi(a | s) ∝ pi_base(a | s) exp(beta Q(s, a))   over the base's top-k tokens,
// the KL-regularised optimum of E[Q] - KL(pi || pi_base) / beta at every step.
// The value model is the base's backbone (copied) with a new head of one output per token of
// the vocabulary, starting at zero, so that Q(s, .) of a whole vocabulary costs one forward pass.
// At this scale: Q is fitted by Monte-Carlo regression (every token of a sample regresses on
// the sample's reward, the paper's TD(lambda) at lambda = 1), from one batch of samples.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::search {

// [B, V] VAS's next-token log-probabilities from the base's logits [B, V] and the values
// Q(s, .) [B, V]: log_softmax(log_softmax(base / T) + beta Q), with every token outside the
// base's top_k (0: none left out) at -inf. temperature <= 0 (greedy) uses T = 1.
torch::Tensor ValueAugmentedLogProbs(const torch::Tensor& base_logits, const torch::Tensor& q,
                                     double beta, double temperature, int64_t top_k);

class TokenValueModelImpl : public torch::nn::Module {
 public:
  // A copy of `base` (its weights, not shared) with a zero head of one value per token.
  explicit TokenValueModelImpl(const models::Transformer& base);
  // ids, mask [B, S] -> Q [B, S, V]: the values of every next token after each position.
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask = {},
                        models::KvCache* cache = nullptr);

  models::Transformer backbone{nullptr};
  torch::nn::Linear head{nullptr};  // [V, d]
};
TORCH_MODULE(TokenValueModel);

// Completions with their rewards, to fit Q on.
struct ValueSamples {
  models::GenerationOutput out;  // prompts [B, Tp], tokens and mask [B, N]
  torch::Tensor rewards;         // [B]
};

// Monte-Carlo regression: Q(s_t, a_t) -> r for every generated token a_t of each sample, the
// squared error averaged over tokens; `steps` Adam steps on minibatches of `batch_size` rows.
// Returns the loss of each step.
std::vector<double> FitTokenValue(TokenValueModel& value, const ValueSamples& samples,
                                  int64_t steps, int64_t batch_size, double learning_rate,
                                  at::Generator& generator);

// Generate (generate.h) with every token drawn from ValueAugmentedLogProbs; the output's
// logprobs are under that distribution. Runs without autograd; modes are left as they are.
models::GenerationOutput GenerateWithValue(models::Transformer& base, TokenValueModel& value,
                                           double beta, int64_t top_k,
                                           const std::vector<std::vector<int64_t>>& prompts,
                                           const models::GenerationOptions& options,
                                           at::Generator& generator);

}  // namespace rlab::search
