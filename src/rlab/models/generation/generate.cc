#include "rlab/models/generation/generate.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"

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
    RLAB_CHECK(!rows[b].empty(), "generation: prompt {} is empty; start it with at least one "
               "token (for example BOS)", b);
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
  const int64_t B = out.prompts.ids.size(0);
  const auto long_options = torch::TensorOptions().dtype(torch::kInt64);
  const torch::Tensor stop_ids = torch::tensor(options.stop_token_ids, long_options);  // [K]

  KvCache cache;
  torch::Tensor all_ids = out.prompts.ids;    // [B, S] everything fed so far
  torch::Tensor all_mask = out.prompts.mask;  // [B, S]
  torch::Tensor live = torch::ones({B}, long_options);  // [B] 1 while the row has not stopped
  std::vector<torch::Tensor> step_ids, step_logprobs, step_masks;
  // The first step reads the prompt; later steps read the previous token (with the cache) or
  // everything so far (without).
  torch::Tensor hidden = options.use_cache ? model->Hidden(all_ids, all_mask, &cache)
                                           : model->Hidden(all_ids, all_mask);  // [B, S, d]
  for (int64_t step = 0; step < options.max_new_tokens; ++step) {
    const torch::Tensor logits = model->Logits(hidden.select(1, hidden.size(1) - 1));  // [B, V]
    SampledTokens next = SampleNextTokens(logits, options.sampling, generator);
    const torch::Tensor ids = torch::where(live.to(torch::kBool), next.ids,
                                           torch::full_like(next.ids, options.pad_token_id));
    step_ids.push_back(ids);
    step_logprobs.push_back(next.logprobs * live.to(next.logprobs.scalar_type()));
    step_masks.push_back(live);
    if (stop_ids.numel() > 0) live = live * torch::isin(ids, stop_ids).logical_not().to(torch::kInt64);
    if (step + 1 == options.max_new_tokens || live.sum().item<int64_t>() == 0) break;
    // The token just chosen is real for rows that were live when it was chosen.
    const torch::Tensor fed_mask = step_masks.back().unsqueeze(1);  // [B, 1]
    all_mask = torch::cat({all_mask, fed_mask}, 1);
    if (options.use_cache) {
      hidden = model->Hidden(ids.unsqueeze(1), all_mask, &cache);  // [B, 1, d]
    } else {
      all_ids = torch::cat({all_ids, ids.unsqueeze(1)}, 1);
      hidden = model->Hidden(all_ids, all_mask);  // [B, S, d]
    }
  }
  if (step_ids.empty()) {
    out.tokens = torch::empty({B, 0}, long_options);
    out.logprobs = torch::empty({B, 0}, torch::kFloat32);
    out.mask = torch::empty({B, 0}, long_options);
  } else {
    out.tokens = torch::stack(step_ids, 1);
    out.logprobs = torch::stack(step_logprobs, 1);
    out.mask = torch::stack(step_masks, 1);
  }
  return out;
}

}  // namespace rlab::models
