#include "rlab/rl/prompt_groups.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"

namespace rlab::rl {

PromptGroups DrawPromptGroups(const PromptGroupDraw& draw, int64_t step, int64_t group,
                              const GroupSampler& sample, const std::string& sample_stream) {
  Rng rng(DeriveSeed(draw.seed, fmt::format("rollout-prompts-{}", step)));
  PromptGroups r;
  std::vector<std::vector<int64_t>> ids;
  for (int64_t p = 0; p < draw.prompts_per_step; ++p) {
    const data::TaskExample e = draw.task->Sample(rng, data::TaskSplit::kTrain);
    const std::vector<int64_t> prompt = draw.tokenizer->EncodeWithBos(e.prompt);
    for (int64_t g = 0; g < group; ++g) {
      ids.push_back(prompt);
      r.prompts.push_back(e.prompt);
      r.answers.emplace_back(e.completion);
    }
  }
  at::Generator gen =
      models::MakeGenerator(DeriveSeed(draw.seed, fmt::format("{}-{}", sample_stream, step)));
  r.out = sample(ids, gen);
  for (int64_t b = 0; b < static_cast<int64_t>(ids.size()); ++b) {
    r.completions.push_back(draw.tokenizer->Decode(r.out.Completion(b), /*skip_special=*/true));
  }
  r.tokens = r.out.mask.sum().item<int64_t>();
  return r;
}

void RolloutSampling::Validate() const {
  RLAB_CHECK(temperature > 0 && std::isfinite(temperature),
             "temperature must be > 0 (the samples are re-scored at it), got {}", temperature);
  RLAB_CHECK(max_new_tokens >= 0, "max_new_tokens must be >= 0, got {}", max_new_tokens);
}

models::GenerationOptions RolloutSampling::Generation(
    models::GenerationOptions task_defaults) const {
  if (max_new_tokens > 0) task_defaults.max_new_tokens = max_new_tokens;
  task_defaults.sampling.temperature = temperature;
  return task_defaults;
}

GroupSampler ModelSampler(models::Transformer model, models::GenerationOptions options) {
  return [model, options](const std::vector<std::vector<int64_t>>& ids,
                          at::Generator& generator) mutable {
    return models::Generate(model, ids, options, generator);
  };
}

}  // namespace rlab::rl
