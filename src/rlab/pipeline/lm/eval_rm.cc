#include "rlab/pipeline/lm/eval_rm.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstdio>

#include "rlab/core/io.h"
#include "rlab/core/rng.h"
#include "rlab/eval/reward_model_judge.h"
#include "rlab/eval/reward_model_predictions.h"
#include "rlab/pipeline/lm/eval_prm.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/pipeline/lm/training_data_fingerprints.h"
#include "rlab/reward/model/process_reward_model.h"
#include "rlab/reward/model/text_reward_model.h"

namespace rlab::pipeline {

void EvalRmConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a reward-model directory");
  RLAB_CHECK(!data.empty(), "data must name a preference file or task:SPEC");
  RLAB_CHECK(task_pairs >= 1, "task_pairs must be >= 1");
  RLAB_CHECK(task_prompts >= 1 && best_of_n >= 1, "task_prompts and best_of_n must be >= 1");
  RLAB_CHECK(max_length >= 2 && batch_size >= 1, "max_length must be >= 2, batch_size >= 1");
  CheckRewardModelTruncation(truncation);
}

namespace {

void WritePredictions(const fs::path& path, const std::vector<eval::RecordJudgement>& judged,
                      const RewardModelTokenization& tokenization,
                      const std::vector<data::PreferenceRecord>& records) {
  JsonlWriter out(path, /*append=*/false);
  for (std::size_t i = 0; i < judged.size(); ++i) {
    const ExampleOrigin& origin = tokenization.origins[i];
    out.Write(eval::PredictionLine(judged[i], origin.record, origin.truncated,
                                   records[origin.record].where));
  }
}

class EvalRm : public ConfiguredPipeline<EvalRmConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const EvalRmConfig& c = config_;
    if (reward::IsProcessRewardModelDir(c.model)) return EvaluateProcessRewardModel(c, ctx);
    ConfigureLanguageModelThreads(c.run);
    reward::TextRewardModel rm = reward::LoadTextRewardModel(c.model);
    spdlog::info("eval-rm: {}", rm.Describe());
    PreferenceSource source{c.data, c.chat_template, {}};
    source.task.pairs = c.task_pairs;
    source.task.label_noise = c.label_noise;
    nlohmann::json summary;
    const auto records = ReadPreferenceSource(source, rm.tokenizer(), data::TaskSplit::kTest,
                                              DeriveSeed(c.run.seed, "task-eval"));
    RewardModelTokenization tokenization;
    const auto examples = TokenizeForRewardModel(records, rm.tokenizer(), c.max_length,
                                                 c.truncation, "eval", summary, &tokenization);
    RLAB_CHECK(!examples.empty(), "{}: no record to evaluate", c.data);
    const int64_t pad = rm.tokenizer().pad_id().value_or(rm.tokenizer().eos_id().value_or(0));
    const auto judged = eval::JudgeExamples(
        [&](const torch::Tensor& ids, const torch::Tensor& mask) { return rm.Outputs(ids, mask); },
        rm.objective(), examples, c.batch_size, pad);
    eval::RewardModelReport report = eval::JudgeRecords(judged);
    eval::AddAccuracyIntervals(report, judged, DeriveSeed(c.run.seed, "eval-rm"));
    const auto read = static_cast<int64_t>(records.size());
    report.records_read = read;
    report.long_records = DescribeLongRecords(tokenization.stats, read, c.max_length, c.truncation);
    if (tokenization.stats.dropped > 0) report.not_evaluated_reason = report.long_records;
    WritePredictions(ctx.dir().path() / "predictions.jsonl", judged, tokenization, records);
    if (rm.size() > 1) {
      summary["member_accuracy"] =
          eval::MemberAccuracies(rm.members(), rm.objective(), examples, c.batch_size, pad);
    }
    const TrainingOverlap overlap = FindTrainingOverlap(c.model, c.data, records);
    const std::string overlap_warning = overlap.Warning(records.size());
    if (!overlap_warning.empty()) spdlog::warn("eval-rm: {}", overlap_warning);
    if (!overlap.checked) {
      spdlog::info("eval-rm: {} records no training data ({}), so overlap is not checked", c.model,
                   kTrainingDataFile);
    }
    std::printf("%s on %s\n%s", c.model.c_str(), c.data.c_str(), report.Table().c_str());
    if (!overlap_warning.empty()) std::printf("  WARNING: %s\n", overlap_warning.c_str());
    std::fflush(stdout);
    summary.update(report.ToJson());
    summary.update(overlap.ToJson());
    summary["objective"] = rm.objective().Describe();
    summary["members"] = rm.size();
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry EvalRmEntry() {
  return {"eval-rm",
          "judge a reward model on preference data (RewardBench-style figures)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<EvalRm>(); }};
}

}  // namespace rlab::pipeline
