#include "rlab/models/generation/generate.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <optional>

#include "rlab/core/check.h"
#include "rlab/models/generation/fused_decoder.h"

namespace rlab::models {

void GenerationOptions::Validate() const {
  RLAB_CHECK(max_new_tokens >= 0, "generation: max_new_tokens must be >= 0, got {}",
             max_new_tokens);
  RLAB_CHECK(pad_token_id >= 0, "generation: pad_token_id must be >= 0, got {}", pad_token_id);
  sampling.Validate();
}

PaddedBatch LeftPad(const std::vector<std::vector<int64_t>>& rows, int64_t pad_token_id) {
  RLAB_CHECK(!rows.empty(), "generation: no prompts were given");
  int64_t T = 0;
  for (std::size_t b = 0; b < rows.size(); ++b) {
    RLAB_CHECK(!rows[b].empty(),
               "generation: prompt {} is empty; start it with at least one "
               "token (for example BOS)",
               b);
    T = std::max<int64_t>(T, static_cast<int64_t>(rows[b].size()));
  }
  const int64_t B = static_cast<int64_t>(rows.size());
  torch::Tensor ids = torch::full({B, T}, pad_token_id, torch::kInt64);
  torch::Tensor mask = torch::zeros({B, T}, torch::kInt64);
  auto id_acc = ids.accessor<int64_t, 2>();
  auto mask_acc = mask.accessor<int64_t, 2>();
  for (int64_t b = 0; b < B; ++b) {
    const auto& row = rows[b];
    const int64_t offset = T - static_cast<int64_t>(row.size());
    for (std::size_t t = 0; t < row.size(); ++t) {
      id_acc[b][offset + t] = row[t];
      mask_acc[b][offset + t] = 1;
    }
  }
  return {ids, mask};
}

std::vector<int64_t> GenerationOutput::Completion(int64_t b) const {
  std::vector<int64_t> out;
  const auto ids = tokens.accessor<int64_t, 2>();
  const auto live = mask.accessor<int64_t, 2>();
  for (int64_t t = 0; t < tokens.size(1) && live[b][t] != 0; ++t) out.push_back(ids[b][t]);
  return out;
}

std::vector<std::vector<int64_t>> GenerationOutput::Completions() const {
  std::vector<std::vector<int64_t>> out;
  for (int64_t b = 0; b < tokens.size(0); ++b) out.push_back(Completion(b));
  return out;
}

bool GenerationOutput::Stopped(int64_t b, const GenerationOptions& options) const {
  const std::vector<int64_t> ids = Completion(b);
  return !ids.empty() && std::find(options.stop_token_ids.begin(), options.stop_token_ids.end(),
                                   ids.back()) != options.stop_token_ids.end();
}

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

at::Generator MakeGenerator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

GenerationOutput Generate(Transformer& model, const std::vector<std::vector<int64_t>>& prompts,
                          const GenerationOptions& options, at::Generator& generator) {
  options.Validate();
  // No autograd, but not inference mode: the outputs feed training steps later (RL), where
  // inference tensors could not be saved for backward.
  torch::NoGradGuard no_grad;
  GenerationOutput out;
  out.prompts = LeftPad(prompts, options.pad_token_id);
  const int64_t B = out.prompts.ids.size(0), N = options.max_new_tokens;
  const int64_t V = model->config().vocab_size;
  CheckPositionLimit(model->config(), out.prompts.ids.size(1), N);
  RLAB_CHECK(options.pad_token_id < V,
             "generation: pad_token_id {} is outside the vocabulary "
             "of {}",
             options.pad_token_id, V);
  const bool fused = options.use_cache && options.fused && FusedDecoder::Supports(model);

  // Prefill: one pass over the prompts gives the first logits (and fills the cache).
  KvCache cache;
  torch::Tensor all_ids = out.prompts.ids;    // [B, S] everything fed so far (recomputation)
  torch::Tensor all_mask = out.prompts.mask;  // [B, S]
  const torch::Tensor prompt_hidden = options.use_cache ? model->Hidden(all_ids, all_mask, &cache)
                                                        : model->Hidden(all_ids, all_mask);
  torch::Tensor logits =
      model->Logits(prompt_hidden.select(1, prompt_hidden.size(1) - 1));  // [B, V]
  std::optional<FusedDecoder> decoder;
  torch::Tensor fused_logits;  // [B, V], written by the fused decoder
  if (fused && N > 1) {
    decoder.emplace(model, B, all_ids.size(1) + N);
    decoder->LoadPrefill(cache, out.prompts.mask);
    cache.Clear();
    fused_logits = torch::empty({B, V}, torch::kFloat32);
  }

  const auto long_options = torch::TensorOptions().dtype(torch::kInt64);
  out.tokens = torch::full({B, N}, options.pad_token_id, long_options);
  out.logprobs = torch::zeros({B, N}, torch::kFloat32);
  out.mask = torch::zeros({B, N}, long_options);
  auto tokens = out.tokens.accessor<int64_t, 2>();
  auto logprobs = out.logprobs.accessor<float, 2>();
  auto mask = out.mask.accessor<int64_t, 2>();
  std::vector<uint8_t> live(B, 1), fed_real(B, 0);
  std::vector<int64_t> fed(B);
  int64_t steps = 0;
  while (steps < N) {
    const SampledTokens next = SampleNextTokens(logits, options.sampling, generator);
    const torch::Tensor next_ids = next.ids.contiguous();
    const torch::Tensor next_logprobs = next.logprobs.to(torch::kFloat32).contiguous();
    const int64_t* ids = next_ids.data_ptr<int64_t>();
    const float* lps = next_logprobs.data_ptr<float>();
    int64_t still_live = 0;
    for (int64_t b = 0; b < B; ++b) {
      fed_real[b] = live[b];
      fed[b] = live[b] ? ids[b] : options.pad_token_id;
      if (!live[b]) continue;
      tokens[b][steps] = ids[b];
      logprobs[b][steps] = lps[b];
      mask[b][steps] = 1;
      const auto& stop = options.stop_token_ids;
      if (std::find(stop.begin(), stop.end(), ids[b]) != stop.end()) live[b] = 0;
      still_live += live[b];
    }
    ++steps;
    if (steps == N || still_live == 0) break;
    // Feed the chosen tokens; a row that had stopped feeds padding that nothing attends to.
    if (decoder) {
      decoder->Step(fed, fed_real, fused_logits.data_ptr<float>());
      logits = fused_logits;
      continue;
    }
    const torch::Tensor fed_ids = torch::tensor(fed, long_options).unsqueeze(1);  // [B, 1]
    const torch::Tensor fed_mask =
        torch::tensor(std::vector<int64_t>(fed_real.begin(), fed_real.end()), long_options)
            .unsqueeze(1);  // [B, 1]
    all_mask = torch::cat({all_mask, fed_mask}, 1);
    torch::Tensor hidden;  // [B, 1 or S, d]
    if (options.use_cache) {
      hidden = model->Hidden(fed_ids, all_mask, &cache);
    } else {
      all_ids = torch::cat({all_ids, fed_ids}, 1);
      hidden = model->Hidden(all_ids, all_mask);
    }
    logits = model->Logits(hidden.select(1, hidden.size(1) - 1));
  }
  out.tokens = out.tokens.narrow(1, 0, steps).contiguous();
  out.logprobs = out.logprobs.narrow(1, 0, steps).contiguous();
  out.mask = out.mask.narrow(1, 0, steps).contiguous();
  return out;
}

}  // namespace rlab::models
