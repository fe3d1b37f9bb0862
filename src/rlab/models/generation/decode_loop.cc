#include "rlab/models/generation/decode_loop.h"

#include <torch/torch.h>

#include <algorithm>

namespace rlab::models {

GenerationOutput DecodeLoop(NextTokenLogits& source, const PaddedBatch& prompts,
                            const GenerationOptions& options, const SamplingOptions& sampling,
                            at::Generator& generator) {
  GenerationOutput out;
  out.prompts = prompts;
  const int64_t B = prompts.ids.size(0), N = options.max_new_tokens;
  const auto long_options = torch::TensorOptions().dtype(torch::kInt64);
  out.tokens = torch::full({B, N}, options.pad_token_id, long_options);
  out.logprobs = torch::zeros({B, N}, torch::kFloat32);
  out.mask = torch::zeros({B, N}, long_options);
  auto tokens = out.tokens.accessor<int64_t, 2>();
  auto logprobs = out.logprobs.accessor<float, 2>();
  auto mask = out.mask.accessor<int64_t, 2>();
  std::vector<uint8_t> live(B, 1), fed_real(B, 0);
  std::vector<int64_t> fed(B);
  torch::Tensor logits = source.First();  // [B, V]
  int64_t steps = 0;
  while (steps < N) {
    const SampledTokens next = SampleNextTokens(logits, sampling, generator);
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
    logits = source.Next(fed, fed_real);
  }
  out.tokens = out.tokens.narrow(1, 0, steps).contiguous();
  out.logprobs = out.logprobs.narrow(1, 0, steps).contiguous();
  out.mask = out.mask.narrow(1, 0, steps).contiguous();
  return out;
}

}  // namespace rlab::models
