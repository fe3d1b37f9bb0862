#include "rlab/pipeline/lm/lm_best_of_n.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/eval/best_of_n.h"
#include "rlab/eval/text_task_eval.h"

namespace rlab::pipeline {

nlohmann::json RunBestOfN(models::Transformer& policy, const models::Tokenizer& tokenizer,
                          const BestOfNRequest& r) {
  RLAB_CHECK(r.task && r.rewards && !r.prompts.empty() && r.answers.size() == r.prompts.size(),
             "best-of-N needs a task, a reward source and prompts with their answers");
  RLAB_CHECK(r.n >= 1, "best-of-N: N (group_size) must be >= 1, got {}", r.n);
  const int64_t p = static_cast<int64_t>(r.prompts.size());
  const std::vector<std::string> prompts = eval::RepeatEach(r.prompts, r.n);
  const std::vector<std::optional<std::string>> answers = eval::RepeatEach(r.answers, r.n);
  spdlog::info("best-of-N: {} samples for each of {} prompts", r.n, p);
  policy->eval();
  at::Generator g = models::MakeGenerator(r.seed);
  const eval::TaskEvalResult samples =
      eval::EvaluateOnTask(policy, tokenizer, *r.task, prompts, r.generation, r.batch_size, g);
  const torch::Tensor reward =
      r.rewards->Score(samples.prompts, samples.completions, answers).total.to(torch::kFloat64);
  // Without a gold reward (a prompt file) the curve's gold column is a placeholder, not reported.
  const bool has_gold = r.task->HasGoldReward();
  const torch::Tensor gold = has_gold ? torch::tensor(samples.gold, torch::kFloat64)
                                      : torch::zeros_like(reward);  // [p * n]
  const auto curve = eval::BestOfNCurve(reward.reshape({p, r.n}), gold.reshape({p, r.n}), {1, r.n});
  nlohmann::json summary = {{"reward_start", curve.front().proxy},
                            {"reward", curve.back().proxy},
                            {"kl", curve.back().kl},
                            {"n", r.n},
                            {"prompts", p}};
  if (has_gold) {
    const std::string metric = r.task->MetricName();
    summary[metric + "_start"] = curve.front().gold;
    summary[metric] = curve.back().gold;
  }
  return summary;
}

}  // namespace rlab::pipeline
