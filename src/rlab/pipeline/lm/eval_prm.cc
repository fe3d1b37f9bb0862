#include "rlab/pipeline/lm/eval_prm.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstdio>

#include "rlab/core/rng.h"
#include "rlab/eval/best_of_n.h"
#include "rlab/eval/process_reward_metrics.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lm/prm_data.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/reward/model/process_reward_model.h"
#include "rlab/reward/signal/prm_aggregation.h"

namespace rlab::pipeline {

namespace {

// Best-of-N by every aggregation over groups of `n` consecutive completions of one prompt:
// summary keys best_of_n/<aggregation>, best_of_n/start and best_of_n/oracle.
nlohmann::json BestOfNByAggregation(const StepRecords& records,
                                    const std::vector<std::vector<double>>& scores, int64_t n,
                                    std::string& table) {
  const auto prompts = static_cast<int64_t>(records.size()) / n;
  std::vector<double> gold;
  for (const StepSample& s : records.samples) gold.push_back(s.outcome);
  const torch::Tensor gold_table = torch::tensor(gold, torch::kFloat64).reshape({prompts, n});
  nlohmann::json out;
  out["best_of_n/n"] = n;
  out["best_of_n/oracle"] = std::get<0>(gold_table.max(1)).mean().item<double>();
  table += fmt::format("  best-of-{} over {} prompts: mean gold reward of the pick\n", n, prompts);
  bool start_done = false;
  reward::RegisterPrmAggregations();
  for (const std::string& name : reward::PrmAggregations().List()) {
    const auto aggregate = reward::MakePrmAggregation(name);
    std::vector<double> proxy;
    for (const auto& steps : scores) proxy.push_back((*aggregate)(steps));
    const auto curve = eval::BestOfNCurve(
        torch::tensor(proxy, torch::kFloat64).reshape({prompts, n}), gold_table, {1, n});
    if (!start_done) {
      out["best_of_n/start"] = curve.front().gold;
      table += fmt::format("    {:<10} {:.4f}\n", "one sample", curve.front().gold);
      start_done = true;
    }
    out["best_of_n/" + name] = curve.back().gold;
    table += fmt::format("    {:<10} {:.4f}\n", name, curve.back().gold);
  }
  table += fmt::format("    {:<10} {:.4f}\n", "oracle", out["best_of_n/oracle"].get<double>());
  return out;
}

}  // namespace

nlohmann::json EvaluateProcessRewardModel(const EvalRmConfig& c, RunContext& ctx) {
  (void)ctx;
  ConfigureLanguageModelThreads(c.run);
  reward::ProcessRewardModel prm = reward::LoadProcessRewardModel(c.model);
  spdlog::info("eval-rm: {}", prm.Describe());
  const bool from_task = IsTaskSource(c.data);
  StepRecords records;
  if (from_task) {
    const auto task = data::MakeTextTask(c.data.substr(kTaskSourcePrefix.size()));
    records = DrawStepRecords(*task, data::TaskSplit::kTest, c.task_prompts, c.best_of_n,
                              DeriveSeed(c.run.seed, "task-eval"));
  } else {
    records = ReadStepFile(c.data, prm.info().delimiter);
  }
  RLAB_CHECK(records.size() > 0, "{}: no completion to evaluate", c.data);
  RLAB_CHECK(records.delimiter == prm.info().delimiter,
             "{} splits steps by '{}' but {} learnt steps split by '{}'", c.data, records.delimiter,
             c.model, prm.info().delimiter);
  std::vector<std::string> prompts, completions;
  std::vector<std::vector<std::size_t>> ends;
  for (const StepSample& s : records.samples) {
    prompts.push_back(s.prompt);
    completions.push_back(s.completion);
    ends.push_back(s.step_ends);
  }
  const auto scores = prm.StepProbabilities(prompts, completions, ends, c.batch_size);
  const eval::StepJudgementReport report = eval::JudgeSteps(scores, records.Labels());
  std::string table = report.Table();
  nlohmann::json summary = report.ToJson();
  if (from_task && c.best_of_n >= 2) {
    summary.update(BestOfNByAggregation(records, scores, c.best_of_n, table));
  }
  std::printf("%s on %s\n%s", c.model.c_str(), c.data.c_str(), table.c_str());
  std::fflush(stdout);
  summary["supervision"] = prm.info().supervision;
  return summary;
}

}  // namespace rlab::pipeline
