// Choosing the next token from a row of logits: greedy, temperature, top-k (Fan et al. 2018,
// "Hierarchical Neural Story Generation", arXiv:1805.04833) and nucleus / top-p sampling
// (Holtzman et al. 2019, "The Curious Case of Neural Text Degeneration", arXiv:1904.09751).
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>

namespace rlab::models {

struct SamplingOptions {
  double temperature = 1.0;  // <= 0 means greedy (the arg-max token)
  int64_t top_k = 0;         // keep the k most likely tokens; 0 keeps all
  double top_p = 1.0;        // keep the smallest set whose probability reaches p; 1 keeps all
  void Validate() const;     // top_k >= 0, 0 < top_p <= 1, finite temperature
};

struct SampledTokens {
  torch::Tensor ids;  // [B] int64
  // [B] log-probability of each chosen token under softmax(logits / temperature) (temperature
  // 1 when greedy), before top-k / top-p truncation: the policy's own probability, which is
  // what the RL objectives score a sampled completion by (as TRL does).
  torch::Tensor logprobs;
};

// logits [B, V] -> logits with every token outside the top-k / top-p set at -inf. Ties at the
// k-th value are all kept. The most likely token always stays.
torch::Tensor TruncateLogits(const torch::Tensor& logits, const SamplingOptions& options);

// Draws one token per row from `logits` [B, V] using `generator`.
SampledTokens SampleNextTokens(const torch::Tensor& logits, const SamplingOptions& options,
                               at::Generator& generator);

}  // namespace rlab::models
