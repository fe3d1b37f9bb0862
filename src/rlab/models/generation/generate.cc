#include "rlab/models/generation/generate.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/models/generation/decode_loop.h"
#include "rlab/models/generation/model_stepper.h"

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

at::Generator MakeGenerator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

GenerationOutput Generate(Transformer& model, const std::vector<std::vector<int64_t>>& prompts,
                          const GenerationOptions& options, at::Generator& generator) {
  options.Validate();
  // No autograd, but not inference mode: the outputs feed training steps later (RL), where
  // inference tensors could not be saved for backward.
  torch::NoGradGuard no_grad;
  const PaddedBatch batch = LeftPad(prompts, options.pad_token_id);
  ModelStepper stepper(model, batch, options);
  return DecodeLoop(stepper, batch, options, options.sampling, generator);
}

}  // namespace rlab::models
