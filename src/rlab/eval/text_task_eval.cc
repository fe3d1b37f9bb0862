#include "rlab/eval/text_task_eval.h"

#include <algorithm>

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/models/generation/completion_logprobs.h"

namespace rlab::eval {

models::GenerationOptions TaskGenerationOptions(const data::TextTask& task,
                                                const models::Tokenizer& tokenizer) {
  models::GenerationOptions options;
  options.max_new_tokens = task.MaxCompletionChars() + 1;
  options.sampling.temperature = task.EvalTemperature();
  if (tokenizer.eos_id()) options.stop_token_ids = {*tokenizer.eos_id()};
  options.pad_token_id = tokenizer.pad_id().value_or(tokenizer.eos_id().value_or(0));
  return options;
}

TaskEvalResult EvaluateOnTask(models::Transformer& model, const models::Tokenizer& tokenizer,
                              const data::TextTask& task, const std::vector<std::string>& prompts,
                              const models::GenerationOptions& options, int64_t batch_size,
                              at::Generator& generator, models::Transformer* kl_reference) {
  RLAB_CHECK(batch_size >= 1, "task evaluation: batch_size must be >= 1, got {}", batch_size);
  TaskEvalResult result;
  result.task = &task;
  double total_tokens = 0.0;
  for (std::size_t start = 0; start < prompts.size(); start += batch_size) {
    const std::size_t end = std::min(prompts.size(), start + static_cast<std::size_t>(batch_size));
    std::vector<std::vector<int64_t>> ids;
    for (std::size_t i = start; i < end; ++i) ids.push_back(tokenizer.EncodeWithBos(prompts[i]));
    const models::GenerationOutput out = models::Generate(model, ids, options, generator);
    if (kl_reference != nullptr) {
      torch::InferenceMode inference;
      const torch::Tensor ref = models::CompletionLogProbs(*kl_reference, out);
      const torch::Tensor kl = ((out.logprobs - ref) * out.mask.to(ref.scalar_type())).sum(1);
      for (int64_t b = 0; b < kl.size(0); ++b) result.kl.push_back(kl[b].item<double>());
    }
    for (std::size_t i = start; i < end; ++i) {
      const std::vector<int64_t> completion = out.Completion(static_cast<int64_t>(i - start));
      total_tokens += static_cast<double>(completion.size());
      std::string text = tokenizer.Decode(completion, /*skip_special=*/true);
      result.gold.push_back(task.GoldReward(prompts[i], text));
      result.prompts.push_back(prompts[i]);
      result.completions.push_back(std::move(text));
    }
  }
  const double n = std::max<double>(1.0, static_cast<double>(result.gold.size()));
  for (double g : result.gold) result.mean_gold += g / n;
  result.mean_completion_tokens = total_tokens / n;
  if (kl_reference != nullptr) {
    result.mean_kl = 0.0;
    for (double k : result.kl) result.mean_kl += k / n;
  }
  if (task.Game() != nullptr) result.game = ReportGame(*task.Game(), result.completions);
  return result;
}

double GoldWinRate(const TaskEvalResult& candidate, const TaskEvalResult& baseline) {
  RLAB_CHECK(candidate.prompts == baseline.prompts && !candidate.prompts.empty(),
             "gold win rate: both results must cover the same non-empty prompt list");
  RLAB_CHECK(candidate.task != nullptr, "gold win rate: the candidate was scored by no task");
  double wins = 0.0;
  for (std::size_t i = 0; i < candidate.prompts.size(); ++i) {
    wins += candidate.task->GoldPreference(candidate.prompts[i], candidate.completions[i],
                                           baseline.completions[i]);
  }
  return wins / static_cast<double>(candidate.prompts.size());
}

}  // namespace rlab::eval
