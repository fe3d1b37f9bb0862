#include "rlab/models/generation/model_stepper.h"

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>

#include "rlab/core/check.h"

namespace rlab::models {

namespace {

// The longest prompt (left-padded to `prompt_length`) plus every new token must fit the
// model's positions: GPT-2's learned position table has no row past max_position_embeddings,
// so such a request is refused before any work; rotary positions (Llama) extend past it, but
// the model never saw them in training, so the first such request in a process is warned about.
void CheckPositionLimit(const TransformerConfig& c, int64_t prompt_length, int64_t new_tokens) {
  const int64_t needed = prompt_length + new_tokens;
  if (needed <= c.max_positions) return;
  RLAB_CHECK(c.arch != TransformerArch::kGpt2,
             "generation: the longest prompt ({} tokens) plus max_new_tokens ({}) needs {} "
             "positions, more than the model's max_position_embeddings ({}), the size of GPT-2's "
             "position table; lower max_new_tokens to at most {} or shorten the prompt",
             prompt_length, new_tokens, needed, c.max_positions,
             std::max<int64_t>(c.max_positions - prompt_length, 0));
  static std::atomic<bool> warned{false};
  if (warned.exchange(true)) return;
  spdlog::warn("generation: the longest prompt ({} tokens) plus max_new_tokens ({}) reaches {} "
               "positions, past the model's max_position_embeddings ({}); rotary positions go on, "
               "but the model was not trained on them and its text may degrade",
               prompt_length, new_tokens, needed, c.max_positions);
}

}  // namespace

ModelStepper::ModelStepper(Transformer& model, const PaddedBatch& prompts,
                           const GenerationOptions& options)
    : model_(model), use_cache_(options.use_cache), all_ids_(prompts.ids), all_mask_(prompts.mask) {
  const int64_t B = prompts.ids.size(0), N = options.max_new_tokens;
  const int64_t V = model->config().vocab_size;
  CheckPositionLimit(model->config(), prompts.ids.size(1), N);
  RLAB_CHECK(options.pad_token_id < V,
             "generation: pad_token_id {} is outside the vocabulary "
             "of {}",
             options.pad_token_id, V);
  const bool fused = options.use_cache && options.fused && FusedDecoder::Supports(model);

  // Prefill: one pass over the prompts gives the first logits (and fills the cache).
  const torch::Tensor prompt_hidden =
      use_cache_ ? model->Hidden(all_ids_, all_mask_, &cache_) : model->Hidden(all_ids_, all_mask_);
  first_logits_ = model->Logits(prompt_hidden.select(1, prompt_hidden.size(1) - 1));  // [B, V]
  if (fused && N > 1) {
    decoder_.emplace(model, B, all_ids_.size(1) + N);
    decoder_->LoadPrefill(cache_, prompts.mask);
    cache_.Clear();
    fused_logits_ = torch::empty({B, V}, torch::kFloat32);
  }
}

torch::Tensor ModelStepper::Next(const std::vector<int64_t>& fed,
                                 const std::vector<uint8_t>& real) {
  if (decoder_) {
    decoder_->Step(fed, real, fused_logits_.data_ptr<float>());
    return fused_logits_;
  }
  const auto long_options = torch::TensorOptions().dtype(torch::kInt64);
  const torch::Tensor fed_ids = torch::tensor(fed, long_options).unsqueeze(1);  // [B, 1]
  const torch::Tensor fed_mask =
      torch::tensor(std::vector<int64_t>(real.begin(), real.end()), long_options)
          .unsqueeze(1);  // [B, 1]
  all_mask_ = torch::cat({all_mask_, fed_mask}, 1);
  torch::Tensor hidden;  // [B, 1 or S, d]
  if (use_cache_) {
    hidden = model_->Hidden(fed_ids, all_mask_, &cache_);
  } else {
    all_ids_ = torch::cat({all_ids_, fed_ids}, 1);
    hidden = model_->Hidden(all_ids_, all_mask_);
  }
  return model_->Logits(hidden.select(1, hidden.size(1) - 1));
}

}  // namespace rlab::models
