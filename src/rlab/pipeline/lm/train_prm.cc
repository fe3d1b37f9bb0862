#include "rlab/pipeline/lm/train_prm.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/eval/process_reward_metrics.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/lm/batch_fit.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lm/prm_data.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/text/split.h"
#include "rlab/text/tokenizer/named_tokenizer.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

void TrainPrmConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a model directory or a preset");
  RLAB_CHECK(!data.train.empty(), "data.train must name a step file or task:SPEC");
  RLAB_CHECK(data.task_train_completions >= 1 && data.task_eval_completions >= 0,
             "data.task_train_completions must be >= 1 and data.task_eval_completions >= 0");
  RLAB_CHECK(data.eval_fraction >= 0 && data.eval_fraction < 1,
             "data.eval_fraction must be in [0, 1), got {}", data.eval_fraction);
  RLAB_CHECK(data.max_length >= 2, "data.max_length must be >= 2");
  trainer.Validate();
  RLAB_CHECK(eval_every >= 0 && eval_batch_size >= 1,
             "eval_every must be >= 0 and eval_batch_size >= 1");
}

namespace {

struct PrmInputs {
  StepRecords train, eval;
};

PrmInputs ReadPrmInputs(const PrmTrainData& d, uint64_t seed) {
  PrmInputs in;
  if (IsTaskSource(d.train)) {
    const auto task = data::MakeTextTask(d.train.substr(kTaskSourcePrefix.size()));
    in.train = DrawStepRecords(*task, data::TaskSplit::kTrain, d.task_train_completions, 1,
                               DeriveSeed(seed, "task-train"));
    if (d.eval.empty() && d.task_eval_completions > 0) {
      in.eval = DrawStepRecords(*task, data::TaskSplit::kTest, d.task_eval_completions, 1,
                                DeriveSeed(seed, "task-eval"));
    }
  } else {
    in.train = ReadStepFile(d.train, d.step_separator);
    if (d.eval.empty() && d.eval_fraction > 0) {
      in.eval.delimiter = in.train.delimiter;
      data::SplitHeldOut(in.train.samples, in.eval.samples, d.eval_fraction,
                         DeriveSeed(seed, "eval-split"));
    }
  }
  if (!d.eval.empty()) in.eval = ReadStepFile(d.eval, d.step_separator);
  RLAB_CHECK(in.train.size() > 0, "{}: no training record", d.train);
  spdlog::info("train-prm data: {} training and {} held-out completions (steps split by '{}')",
               in.train.size(), in.eval.size(), in.train.delimiter);
  return in;
}

std::vector<std::vector<double>> Judged(models::SequenceRewardModel& model,
                                        const std::vector<reward::StepExample>& examples,
                                        int64_t batch_size, int64_t pad) {
  model->eval();
  auto p = reward::StepProbabilities(model, examples, batch_size, pad);
  model->train();
  return p;
}

class TrainPrm : public ConfiguredPipeline<TrainPrmConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const TrainPrmConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    models::LanguageModel lm = models::OpenLanguageModel(
        c.model, DeriveSeed(seed, "init"),
        c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer));
    RLAB_CHECK(lm.tokenizer != nullptr,
               "{} has no tokenizer files; name one with tokenizer=byte|gpt2|PATH", c.model);
    const fs::path tokenizer_source =
        c.tokenizer.empty() ? lm.source_dir : models::TokenizerFilesDir(c.tokenizer);
    const models::Tokenizer& tokenizer = *lm.tokenizer;
    const int64_t pad = tokenizer.pad_id().value_or(tokenizer.eos_id().value_or(0));
    const PrmInputs in = ReadPrmInputs(c.data, seed);
    std::vector<reward::StepExample> eval =
        TokenizeStepRecords(in.eval, tokenizer, c.data.max_length);
    reward::PrmTrainerOptions options = c.trainer;
    options.optim =
        FitBatchesToData(c.trainer.optim, static_cast<int64_t>(in.train.size()), c.data.train);
    torch::manual_seed(DeriveSeed(seed, "head"));
    reward::ProcessRewardTrainer trainer(
        options, models::RewardModelFromLanguageModel(lm.model, 1),
        TokenizeStepRecords(in.train, tokenizer, c.data.max_length), pad, seed);
    if (auto counters = ctx.Restore(trainer.State())) {
      trainer.Restore(*counters);
      spdlog::info("resuming at step {} of {}", trainer.step(), trainer.total_steps());
    }
    const int64_t total = trainer.total_steps();
    Progress progress("train-prm", total, c.run.progress_seconds);
    double loss = 0.0, accuracy = 0.0, seconds = 0.0, last_loss = std::nan("");
    int64_t window = 0, tokens = 0;
    while (!trainer.done()) {
      const auto start = std::chrono::steady_clock::now();
      const reward::PrmStepStats s = trainer.Step();
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      loss += s.loss, accuracy += s.step_accuracy, tokens += s.tokens, ++window;
      last_loss = s.loss;
      const int64_t step = trainer.step(), before = step - 1;
      const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total;
      if (ctx.LogDue(before, step) || step == total || eval_due) {
        MetricList m = {{"loss", loss / window},
                        {"train_step_accuracy", accuracy / window},
                        {"learning_rate", s.learning_rate},
                        {"grad_norm", s.grad_norm},
                        {"tokens_per_second", tokens / std::max(seconds, 1e-9)}};
        if (eval_due && !eval.empty()) {
          const auto r = eval::JudgeSteps(Judged(trainer.model(), eval, c.eval_batch_size, pad),
                                          in.eval.Labels());
          m.emplace_back("eval_step_accuracy", r.step_accuracy);
          m.emplace_back("eval_first_error_f1", r.first_error_f1);
        }
        ctx.metrics().Log(step, m);
        loss = accuracy = seconds = 0.0, window = tokens = 0;
      }
      if (ctx.CheckpointDue(before, step) && step < total) {
        ctx.Checkpoint(trainer.State(), trainer.Counters());
      }
      progress.Update(step, fmt::format("loss={:.4f}", last_loss));
    }
    progress.Finish(fmt::format("loss={:.4f}", last_loss));
    ctx.Checkpoint(trainer.State(), trainer.Counters());
    const fs::path out_dir = ctx.dir().path() / "reward_model";
    trainer.model()->eval();
    reward::SaveProcessRewardModelDir(trainer.model(), {in.train.delimiter, c.trainer.supervision},
                                      &tokenizer, tokenizer_source, out_dir);
    nlohmann::json summary = {{"train_loss", last_loss},
                              {"steps", total},
                              {"supervision", c.trainer.supervision},
                              {"train_completions", in.train.size()},
                              {"reward_model_dir", out_dir.string()}};
    if (!eval.empty()) {
      const auto r =
          eval::JudgeSteps(Judged(trainer.model(), eval, c.eval_batch_size, pad), in.eval.Labels());
      std::printf("held-out evaluation of %s\n%s", out_dir.string().c_str(), r.Table().c_str());
      std::fflush(stdout);
      ctx.metrics().Log(total, {{"eval_step_accuracy", r.step_accuracy},
                                {"eval_first_error_f1", r.first_error_f1}});
      summary.update(r.ToJson());
    }
    spdlog::info("process reward model written to {}", out_dir.string());
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry TrainPrmEntry() {
  return {
      "train-prm",
      "a process reward model from step data (per-step labels)",
      {},
      [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<TrainPrm>(); }};
}

}  // namespace rlab::pipeline
