// One Transformer's next-token logits for a batch of left-padded prompts: the prompts are
// prefilled in one pass, then each step feeds one token per row through the KV cache (decoded
// on raw buffers by FusedDecoder when the model allows it and options.fused is set), or, for
// checks and benchmarks (options.use_cache = false), recomputes the whole sequence.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "rlab/models/generation/decode_loop.h"
#include "rlab/models/generation/fused_decoder.h"
#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

class ModelStepper : public NextTokenLogits {
 public:
  // Checks that the prompts plus options.max_new_tokens fit the model's positions and that the
  // pad token is in its vocabulary, then prefills. Call under no-grad; the model's mode
  // (train / eval) is left as it is, and the model must outlive the stepper.
  ModelStepper(Transformer& model, const PaddedBatch& prompts, const GenerationOptions& options);

  torch::Tensor First() override { return first_logits_; }
  torch::Tensor Next(const std::vector<int64_t>& fed, const std::vector<uint8_t>& real) override;

 private:
  Transformer model_;
  bool use_cache_;
  KvCache cache_;
  torch::Tensor all_ids_;   // [B, S] everything fed so far (recomputation)
  torch::Tensor all_mask_;  // [B, S]
  torch::Tensor first_logits_;
  std::optional<FusedDecoder> decoder_;
  torch::Tensor fused_logits_;  // [B, V], written by the fused decoder
};

}  // namespace rlab::models
