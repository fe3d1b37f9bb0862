#include "rlab/pipeline/lm/sft.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "rlab/core/checkpoint.h"
#include "rlab/core/epoch_cursor.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/text/split.h"
#include "rlab/text/sft_dataset.h"
#include "rlab/text/token_batch.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/pipeline/lm/sample_log.h"
#include "rlab/text/tokenizer/named_tokenizer.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/lm/batch_fit.h"
#include "rlab/pipeline/lm/lm_threads.h"

namespace rlab::pipeline {

void SftConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a model directory or a preset");
  RLAB_CHECK(!data.train.empty(), "data.train must name a file or task:SPEC");
  RLAB_CHECK(data.task_train_examples >= 1, "data.task_train_examples must be >= 1");
  RLAB_CHECK(data.eval_examples >= 0, "data.eval_examples must be >= 0");
  RLAB_CHECK(data.eval_fraction >= 0 && data.eval_fraction < 1,
             "data.eval_fraction must be in [0, 1), got {}", data.eval_fraction);
  trainer.Validate();
  RLAB_CHECK(eval_every >= 0, "eval_every must be >= 0");
  RLAB_CHECK(eval_batch_size >= 1, "eval_batch_size must be >= 1");
}

namespace {

constexpr std::string_view kTaskPrefix = "task:";

// A figure kept in the checkpoint's counters; NaN when it was NaN (JSON writes null) or absent.
double SftCounterOrNan(const nlohmann::json& counters, const char* key) {
  const auto it = counters.find(key);
  return it != counters.end() && it->is_number() ? it->get<double>() : std::nan("");
}

// Everything the loop trains and evaluates on.
struct SftInputs {
  std::vector<data::SftExample> train;
  std::vector<data::SftExample> eval;
  std::unique_ptr<data::TextTask> task;   // when the data comes from a task
  std::vector<std::string> eval_prompts;  // the task's held-out prompts
};

std::vector<data::SftExample> Tokenize(const std::vector<data::SftRecord>& records,
                                       const models::Tokenizer& tokenizer, int64_t max_length,
                                       std::string_view what) {
  data::TokenizeStats stats;
  std::vector<data::SftExample> out =
      data::TokenizeSftRecords(records, tokenizer, max_length, &stats);
  if (stats.truncated > 0 || stats.dropped > 0) {
    spdlog::warn("{}: {} of {} examples cut to max_length {}, {} dropped with no completion "
                 "token left",
                 what, stats.truncated, records.size(), max_length, stats.dropped);
  }
  RLAB_CHECK(!out.empty() || what == "eval", "{}: no example is left to train on", what);
  return out;
}

SftInputs PrepareInputs(const SftConfig& c, const models::Tokenizer& tokenizer, uint64_t seed) {
  SftInputs in;
  const std::string chat_name =
      c.data.chat_template == "auto" ? models::GuessChatTemplate(tokenizer) : c.data.chat_template;
  const auto chat = models::MakeChatTemplate(chat_name);
  std::vector<data::SftRecord> train, eval;
  if (c.data.train.starts_with(kTaskPrefix)) {
    in.task = data::MakeTextTask(c.data.train.substr(kTaskPrefix.size()));
    Rng train_rng(DeriveSeed(seed, "task-train"));
    train = data::SampleTaskRecords(*in.task, c.data.task_train_examples, data::TaskSplit::kTrain,
                                    train_rng);
    Rng eval_rng(DeriveSeed(seed, "task-eval"));
    if (c.data.eval.empty()) {
      eval =
          data::SampleTaskRecords(*in.task, c.data.eval_examples, data::TaskSplit::kTest, eval_rng);
      for (const auto& r : eval) in.eval_prompts.push_back(r.pieces.front().text);
    }
  } else {
    train = data::ReadSftRecords(c.data.train, *chat);
    if (c.data.eval.empty() && c.data.eval_fraction > 0) {
      data::SplitHeldOut(train, eval, c.data.eval_fraction, DeriveSeed(seed, "eval-split"));
    }
  }
  if (!c.data.eval.empty()) eval = data::ReadSftRecords(c.data.eval, *chat);
  in.train = Tokenize(train, tokenizer, c.data.max_length, "train");
  in.eval = Tokenize(eval, tokenizer, c.data.max_length, "eval");
  spdlog::info("sft data: {} training and {} held-out examples{}", in.train.size(), in.eval.size(),
               in.task ? ", from " + in.task->Describe() : "");
  return in;
}

// Held-out figures: the loss always, the task's gold metric when the data is a task's (NaN
// otherwise, and returned).
// The task's completions go to `samples` at `step`.
double EvaluateSft(const SftConfig& c, const SftInputs& in, models::LanguageModel& lm,
                   models::SftTrainer& trainer, at::Generator& generator, MetricList& out,
                   SampleLog& samples, int64_t step) {
  lm.model->eval();
  out.emplace_back("eval_loss", trainer.HeldOutLoss(in.eval, c.eval_batch_size));
  double metric = std::nan("");
  if (in.task && !in.eval_prompts.empty()) {
    const auto options = eval::TaskGenerationOptions(*in.task, *lm.tokenizer);
    const eval::TaskEvalResult result = eval::EvaluateOnTask(
        lm.model, *lm.tokenizer, *in.task, in.eval_prompts, options, c.eval_batch_size, generator);
    metric = result.mean_gold;
    out.emplace_back("eval_" + in.task->MetricName(), metric);
    samples.Append(step, TaskEvalSamples(result));
  }
  lm.model->train();
  return metric;
}

models::LanguageModel OpenSftModel(const SftConfig& c) {
  models::LanguageModel lm =
      models::OpenLanguageModel(c.model, DeriveSeed(c.run.seed, "init"),
                                c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer));
  RLAB_CHECK(lm.tokenizer != nullptr,
             "{} has no tokenizer files; name one with tokenizer=byte|gpt2|PATH", c.model);
  spdlog::info("sft model: {}", lm.Describe());
  return lm;
}

// The steps since the last metric line: their loss per target token and throughput.
struct SftLossWindow {
  double nll = 0.0, targets = 0.0, all_tokens = 0.0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  // The training figures of a metric line after step `s`.
  MetricList Line(const models::SftStep& s, double epoch) const {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    MetricList line = {{"loss", nll / std::max(targets, 1.0)},
                       {"learning_rate", s.learning_rate},
                       {"grad_norm", s.grad_norm},
                       {"epoch", epoch},
                       {"tokens_per_second", all_tokens / std::max(seconds, 1e-9)}};
    return line;
  }
  // After the line is logged (and any evaluation done): the next window starts.
  void Restart() {
    nll = targets = all_tokens = 0.0;
    start = std::chrono::steady_clock::now();
  }
};

nlohmann::json SftSummary(const SftInputs& in, const models::LanguageModel& lm,
                          const MetricList& final_metrics, double final_metric, double start_metric,
                          double last_loss, int64_t steps, const std::filesystem::path& model_dir) {
  int64_t parameters = 0;
  for (const auto& p : lm.model->parameters()) parameters += p.numel();
  nlohmann::json summary = {{"train_loss", last_loss},
                            {"steps", steps},
                            {"examples", static_cast<int64_t>(in.train.size())},
                            {"parameters", parameters},
                            {"model_dir", model_dir.string()}};
  for (const auto& [name, value] : final_metrics) summary[name] = value;
  if (in.task && !in.eval_prompts.empty()) {
    summary[in.task->MetricName()] = final_metric;
    summary[in.task->MetricName() + "_start"] = start_metric;
    summary["task"] = in.task->Describe();
  }
  return summary;
}

class Sft : public ConfiguredPipeline<SftConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const SftConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    models::LanguageModel lm = OpenSftModel(c);
    const SftInputs in = PrepareInputs(c, *lm.tokenizer, seed);
    const int64_t pad = lm.tokenizer->pad_id().value_or(lm.tokenizer->eos_id().value_or(0));
    const int64_t n = static_cast<int64_t>(in.train.size());
    const models::SftTrainerOptions options{FitBatchesToData(c.trainer.optim, n, c.data.train)};
    const models::LmOptim& optim = options.optim;
    const int64_t total_steps = optim.TotalSteps(n);

    models::SftTrainer trainer(options, lm.model, pad, total_steps);
    CheckpointState state;
    trainer.AddTo(state);
    int64_t epoch = 0, position = 0;
    double start_metric = std::nan(""), last_loss = std::nan("");
    const std::optional<nlohmann::json> restored = ctx.Restore(state);
    if (restored) {
      trainer.Resume((*restored)["step"]);
      epoch = (*restored)["epoch"];
      position = (*restored)["position"];
      start_metric = SftCounterOrNan(*restored, "start_metric");
      last_loss = SftCounterOrNan(*restored, "last_loss");
      spdlog::info("resuming at step {} of {}", trainer.step(), total_steps);
    }
    SampleLog samples = SampleLog::ForRun(ctx, restored);
    EpochCursor cursor(AllIndices(n), seed, epoch, position);
    at::Generator eval_generator = models::MakeGenerator(DeriveSeed(seed, "eval-generation"));
    const auto evaluate = [&](MetricList& m) {
      return EvaluateSft(c, in, lm, trainer, eval_generator, m, samples, trainer.step());
    };
    if (trainer.step() == 0) {
      MetricList m;
      start_metric = evaluate(m);
      ctx.metrics().Log(0, m);
    }
    // The final checkpoint keeps the last training loss: a run resumed from it trains no more
    // and still reports it.
    const auto counters = [&] {
      nlohmann::json out{{"step", trainer.step()},
                         {"epoch", cursor.epoch()},
                         {"position", cursor.position()},
                         {"start_metric", start_metric},
                         {"last_loss", last_loss}};
      samples.AddLengthTo(out);
      return out;
    };

    Progress progress("sft", total_steps, c.run.progress_seconds);
    SftLossWindow window;
    while (trainer.step() < total_steps) {
      std::vector<data::TokenBatch> micro;
      for (int64_t a = 0; a < optim.grad_accum; ++a) {
        micro.push_back(data::CollateRightPadded(in.train, cursor.Next(optim.batch_size), pad));
        window.all_tokens += micro.back().attention_mask.sum().item<double>();
      }
      const models::SftStep s = trainer.Step(micro);
      const int64_t step = trainer.step(), before = step - 1;
      last_loss = s.loss;
      window.nll += s.nll;
      window.targets += s.targets;
      const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps;
      if (ctx.LogDue(before, step) || step == total_steps) {
        MetricList m = window.Line(s, cursor.Progress());
        if (eval_due) evaluate(m);
        ctx.metrics().Log(step, m);
        window.Restart();
      } else if (eval_due) {
        MetricList m;
        evaluate(m);
        ctx.metrics().Log(step, m);
      }
      if (ctx.CheckpointDue(before, step) && step < total_steps) ctx.Checkpoint(state, counters());
      progress.Update(step, fmt::format("loss={:.4f}", last_loss));
    }
    progress.Finish(fmt::format("loss={:.4f}", last_loss));
    // Checkpointed before the final evaluation is logged: a run killed after this checkpoint
    // evaluates and logs once on resuming, one killed before it resumes from the last one.
    ctx.Checkpoint(state, counters());
    MetricList final_metrics;
    const double final_metric = evaluate(final_metrics);
    ctx.metrics().Log(trainer.step(), final_metrics);
    const auto model_dir = ctx.dir().path() / "model";
    models::SaveLanguageModel(lm, model_dir);
    spdlog::info("model written to {}", model_dir.string());
    return SftSummary(in, lm, final_metrics, final_metric, start_metric, last_loss, trainer.step(),
                      model_dir);
  }
};

}  // namespace

PipelineRegistry::Entry SftEntry() {
  return {"sft",
          "supervised fine-tuning of a language model on demonstrations (TRL's formats)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<Sft>(); }};
}

}  // namespace rlab::pipeline
