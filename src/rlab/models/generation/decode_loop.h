// The loop of autoregressive decoding, apart from where its logits come from: draw one token per
// row, record it with its log-probability, stop rows at a stop token or after max_new_tokens,
// feed the tokens back and ask for the next logits, until every row has stopped. Generate
// (generate.h) runs it on one model; GenerateFromMixture (mixture_generate.h) on the geometric
// mixture of two.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "rlab/models/generation/generate.h"
#include "rlab/models/generation/sampling.h"

namespace rlab::models {

// Where the next-token logits of a batch come from, one decoding step at a time.
class NextTokenLogits {
 public:
  virtual ~NextTokenLogits() = default;
  // [B, V] the logits of the first new token, after the prompts.
  virtual torch::Tensor First() = 0;
  // Feeds one token per row (real[b] = 0 for a row that has stopped: its token is padding that
  // nothing attends to) and returns the logits of the next token [B, V].
  virtual torch::Tensor Next(const std::vector<int64_t>& fed, const std::vector<uint8_t>& real) = 0;
};

// Decodes up to options.max_new_tokens tokens per row of `prompts` (left-padded, as the source
// saw them), each drawn from the source's logits with `sampling` (which may differ from
// options.sampling: a source may have applied the temperature itself). The output's logprobs
// are those of the drawn tokens under softmax(logits / sampling.temperature).
GenerationOutput DecodeLoop(NextTokenLogits& source, const PaddedBatch& prompts,
                            const GenerationOptions& options, const SamplingOptions& sampling,
                            at::Generator& generator);

}  // namespace rlab::models
