#include "rlab/pipeline/lm/sft_warm_start.h"

#include <fmt/format.h>

#include "rlab/core/check.h"
#include "rlab/pipeline/run/stage_run.h"

namespace rlab::pipeline {

void SftWarmStart::Validate() const {
  RLAB_CHECK(steps >= 0, "sft.steps must be >= 0, got {}", steps);
  RLAB_CHECK(batch_size >= 1 && examples >= 1 && learning_rate > 0,
             "sft.batch_size and sft.examples must be >= 1, sft.learning_rate > 0");
}

std::string WarmStartModel(const SftWarmStart& sft, const WarmStartRequest& request) {
  if (sft.steps == 0) return request.model;
  RLAB_CHECK(request.task.starts_with("task:"),
             "sft.steps > 0 fine-tunes on a task's demonstrations, but the data is {}; run "
             "`rlab sft` on your demonstrations and pass its model instead",
             request.task);
  StageRequest stage{
      request.parent,
      "sft",
      "sft",
      {"model=" + request.model, "data.train=" + request.task,
       fmt::format("data.task_train_examples={}", sft.examples),
       fmt::format("optim.steps={}", sft.steps), fmt::format("optim.batch_size={}", sft.batch_size),
       fmt::format("optim.learning_rate={}", sft.learning_rate),
       fmt::format("run.seed={}", request.seed), "eval_every=0"},
      request.threads,
      request.blas_threads};
  if (!request.tokenizer.empty()) stage.overrides.push_back("tokenizer=" + request.tokenizer);
  return (RunStage(stage) / "model").string();
}

}  // namespace rlab::pipeline
