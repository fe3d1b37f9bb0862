// One-token decoding steps of a Transformer on raw buffers: the same arithmetic as
// TransformerImpl::forward with a KV cache, but each layer is a handful of BLAS calls and
// plain loops instead of dozens of libtorch operations. At the sizes of the synthetic-task
// presets a decoding step holds well under a megaflop, so libtorch's per-operation dispatch
// (several microseconds each) would cost more than the arithmetic; this path removes it.
//
// The decoder reads the model's parameters in place (no copy), so it sees training updates,
// but it must not outlive the model. The prompt is prefilled by the libtorch model (one
// batched pass, efficient for long prompts) and its keys and values are copied in.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <span>
#include <vector>

#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

class FusedDecoder {
 public:
  // Whether the model can be decoded here: float32 contiguous parameters on the CPU.
  static bool Supports(const Transformer& model);

  // Room for `batch` rows and `max_length` positions (prompt plus new tokens).
  FusedDecoder(const Transformer& model, int64_t batch, int64_t max_length);

  // Takes over the keys and values of a prefilled prompt: cache from Hidden(ids, mask, &cache)
  // and the prompt's mask [B, P] (int64, 1 = real token).
  void LoadPrefill(const KvCache& cache, const torch::Tensor& prompt_mask);

  // Feeds one token per row (real[b] = 0 for a row that has stopped: its token is padding,
  // attended by nobody) and writes the next-token logits [B, V] to `logits`.
  void Step(std::span<const int64_t> ids, std::span<const uint8_t> real, float* logits);

  int64_t length() const { return length_; }

 private:
  struct Layer {
    const float *norm1_w, *norm1_b, *norm2_w, *norm2_b;
    const float *qkv_w, *qkv_b;    // GPT-2: fused [3d, d]
    const float *q_w, *k_w, *v_w;  // Llama
    const float *o_w, *o_b;
    const float *fc_w, *fc_b, *proj_w, *proj_b;  // GPT-2 MLP
    const float *gate_w, *up_w, *down_w;         // Llama MLP
  };
  void Linear(const float* x, const float* w, const float* b, int64_t in, int64_t out, float* y,
              bool accumulate = false);
  void Norm(const float* x, const float* w, const float* b, float* y) const;
  void Rotate(float* x, int64_t heads, int64_t position) const;
  void Attend(int64_t layer);

  TransformerConfig c_;
  int64_t batch_, max_length_, length_ = 0;
  int64_t kv_width_;  // Hkv * Dh
  bool gpt2_;
  const float *embed_, *positions_ = nullptr, *final_w_, *final_b_ = nullptr, *head_;
  std::vector<float> inv_freq_;  // [Dh / 2], Llama
  std::vector<Layer> layers_;
  std::vector<float> keys_, values_;  // per layer [B, Hkv, max_length, Dh]
  std::vector<uint8_t> valid_;        // [B, max_length]: the key at this slot is a real token
  std::vector<int64_t> real_count_;   // [B] real tokens so far (the next position id)
  std::vector<float> x_, h_, qkv_, q_, k_, v_, att_, up_, gate_, scores_;
};

}  // namespace rlab::models
