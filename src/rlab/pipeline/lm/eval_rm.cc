#include "rlab/pipeline/lm/eval_rm.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstdio>

#include "rlab/core/rng.h"
#include "rlab/eval/reward_model_judge.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/reward/model/text_reward_model.h"

namespace rlab::pipeline {

void EvalRmConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a reward-model directory");
  RLAB_CHECK(!data.empty(), "data must name a preference file or task:SPEC");
  RLAB_CHECK(task_pairs >= 1, "task_pairs must be >= 1");
  RLAB_CHECK(max_length >= 2 && batch_size >= 1, "max_length must be >= 2, batch_size >= 1");
  data::ParseTruncation(truncation);
}

namespace {

class EvalRm : public ConfiguredPipeline<EvalRmConfig> {
 public:
  nlohmann::json Run(RunContext&) override {
    const EvalRmConfig& c = config_;
    ConfigureLanguageModelThreads(c.run);
    reward::TextRewardModel rm = reward::LoadTextRewardModel(c.model);
    spdlog::info("eval-rm: {}", rm.Describe());
    PreferenceSource source{c.data, c.chat_template, {}};
    source.task.pairs = c.task_pairs;
    source.task.label_noise = c.label_noise;
    nlohmann::json summary;
    const auto records = ReadPreferenceSource(source, rm.tokenizer(), data::TaskSplit::kTest,
                                              DeriveSeed(c.run.seed, "task-eval"));
    const auto examples = TokenizeForRewardModel(records, rm.tokenizer(), c.max_length,
                                                 c.truncation, "eval", summary);
    RLAB_CHECK(!examples.empty(), "{}: no record to evaluate", c.data);
    const int64_t pad = rm.tokenizer().pad_id().value_or(rm.tokenizer().eos_id().value_or(0));
    const auto report = eval::JudgeRewardModel(
        [&](const torch::Tensor& ids, const torch::Tensor& mask) { return rm.Outputs(ids, mask); },
        rm.objective(), examples, c.batch_size, pad);
    if (rm.size() > 1) {
      summary["member_accuracy"] =
          eval::MemberAccuracies(rm.members(), rm.objective(), examples, c.batch_size, pad);
    }
    std::printf("%s on %s\n%s", c.model.c_str(), c.data.c_str(), report.Table().c_str());
    std::fflush(stdout);
    summary.update(report.ToJson());
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
