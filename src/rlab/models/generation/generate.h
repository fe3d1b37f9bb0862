// Batched autoregressive generation from a Transformer: prompts are left-padded into one batch,
// prefilled in one pass, then extended one token per step with the KV cache (or, for checks
// and benchmarks, by recomputing the whole sequence every step). Rows stop at a stop token or
// after max_new_tokens; the loop ends when every row has stopped.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "rlab/models/generation/sampling.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

struct GenerationOptions {
  int64_t max_new_tokens = 64;
  SamplingOptions sampling;             // temperature 0 = greedy
  std::vector<int64_t> stop_token_ids;  // a row stops after emitting any of these
  int64_t pad_token_id = 0;             // fills prompts on the left and rows that have stopped
  bool use_cache = true;
  // With the cache, decode on raw buffers (fused_decoder.h) when the model allows it; false
  // keeps every step in libtorch (the reference the fused path is tested against).
  bool fused = true;
  void Validate() const;
};

// Left-padded token ids and their mask.
struct PaddedBatch {
  torch::Tensor ids;   // [B, T] int64
  torch::Tensor mask;  // [B, T] int64, 1 for real tokens
};
// Prompts must be non-empty; each is right-aligned (left padding).
PaddedBatch LeftPad(const std::vector<std::vector<int64_t>>& rows, int64_t pad_token_id);

struct GenerationOutput {
  PaddedBatch prompts;     // the batch as the model saw it
  torch::Tensor tokens;    // [B, N] generated ids; pad_token_id after a row has stopped
  torch::Tensor logprobs;  // [B, N] float, see SampledTokens::logprobs; 0 where mask is 0
  torch::Tensor mask;      // [B, N] int64, 1 for generated tokens (a stop token included)
  // N <= max_new_tokens: the number of steps taken.

  // Row b's generated ids without padding (its stop token, if any, last).
  std::vector<int64_t> Completion(int64_t b) const;
  std::vector<std::vector<int64_t>> Completions() const;
  // Whether row b ended with a stop token (rather than running out of new tokens).
  bool Stopped(int64_t b, const GenerationOptions& options) const;
};

// Runs in inference mode (no autograd); the model's mode (train / eval) is left as it is.
GenerationOutput Generate(Transformer& model, const std::vector<std::vector<int64_t>>& prompts,
                          const GenerationOptions& options, at::Generator& generator);

// A CPU generator seeded with `seed`, for Generate and SampleNextTokens.
at::Generator MakeGenerator(uint64_t seed);

}  // namespace rlab::models
