#include "rlab/pipeline/lm/dpo.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "rlab/core/checkpoint.h"
#include "rlab/core/epoch_cursor.h"
#include "rlab/core/metric_window.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/pipeline/lm/sample_log.h"
#include "rlab/text/tokenizer/named_tokenizer.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/lm/batch_fit.h"
#include "rlab/pipeline/lm/dpo_data.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lm/reference_logps.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

void DpoConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a model directory or a preset");
  RLAB_CHECK(!data.train.empty(), "data.train must name a file or task:SPEC");
  RLAB_CHECK(data.task_train_pairs >= 1 && data.task_eval_pairs >= 0 && data.task_eval_prompts >= 0,
             "data.task_train_pairs must be >= 1, task_eval_pairs and task_eval_prompts >= 0");
  RLAB_CHECK(data.eval_fraction >= 0 && data.eval_fraction < 1,
             "data.eval_fraction must be in [0, 1), got {}", data.eval_fraction);
  RLAB_CHECK(data.max_length >= 2, "data.max_length must be >= 2");
  sft.Validate();
  RLAB_CHECK(eval_every >= 0 && eval_batch_size >= 1,
             "eval_every must be >= 0 and eval_batch_size >= 1");
  trainer.Validate();
}

namespace {

// The policy (trained) and the reference (a second copy of the starting model, or the named
// one, never trained).
struct DpoModels {
  models::LanguageModel policy, reference;
};

DpoModels OpenDpoModels(const DpoConfig& c, RunContext& ctx,
                        const prefopt::PolicyObjective& objective) {
  const uint64_t seed = c.run.seed;
  const std::string start =
      WarmStartModel(c.sft, {c.model, c.tokenizer, c.data.train, ctx.dir().path(), seed,
                             c.run.threads, c.run.blas_threads});
  models::LanguageModel policy =
      models::OpenLanguageModel(start, DeriveSeed(seed, "init"),
                                c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer));
  RLAB_CHECK(policy.tokenizer != nullptr,
             "{} has no tokenizer files; name one with tokenizer=byte|gpt2|PATH", c.model);
  DpoModels m{std::move(policy),
              models::OpenLanguageModel(
                  c.ref_model.empty() ? start : c.ref_model, DeriveSeed(seed, "init"),
                  c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer))};
  m.reference.model->eval();
  for (auto& p : m.reference.model->parameters()) p.set_requires_grad(false);
  spdlog::info("dpo policy: {}; reference: {}; loss: {}", m.policy.Describe(),
               m.reference.Describe(), objective.Describe());
  return m;
}

// Everything the loop trains and evaluates on.
struct DpoInputs {
  prefopt::PreferenceData train, eval;
  std::unique_ptr<data::TextTask> task;
  std::vector<std::string> task_prompts;
  models::GenerationOptions task_generation;
  eval::TaskEvalResult reference_samples;
  nlohmann::json report;
};

// The units of the run's data, the reference's log-probs of their sequences (cached in the run
// directory) and, on a task, the reference's samples the policy's are compared with.
DpoInputs PrepareInputs(const DpoConfig& c, const prefopt::PolicyObjective& objective,
                        models::LanguageModel& reference, const models::Tokenizer& tokenizer,
                        int64_t pad, const fs::path& run_dir) {
  const uint64_t seed = c.run.seed;
  PreferenceSource train{c.data.train, c.data.chat_template, {}};
  train.task.pairs = c.data.task_train_pairs;
  train.task.label_noise = c.data.label_noise;
  train.task.min_gold_gap = c.data.min_gold_gap;
  auto [train_records, eval_records] = ReadTrainAndHeldOut<PolicyRecords>(
      train, c.data.eval, c.data.task_eval_pairs, c.data.eval_fraction, seed,
      [&](const PreferenceSource& source, data::TaskSplit split, uint64_t s) {
        return ReadPolicyRecords(source, tokenizer, split, s);
      },
      SplitPolicyRecords);
  DpoInputs in;
  const prefopt::PolicyLossFamily family = objective.family();
  in.train.set = BuildPolicyTrainingSet(train_records, family, tokenizer, c.data.max_length,
                                        "train", in.report);
  RLAB_CHECK(!in.train.set.units.empty(), "{}: nothing to train on", c.data.train);
  if (!eval_records.empty()) {
    in.eval.set = BuildPolicyTrainingSet(eval_records, family, tokenizer, c.data.max_length, "eval",
                                         in.report);
  }
  if (IsTaskSource(c.data.train) && c.data.task_eval_prompts > 0) {
    in.task = data::MakeTextTask(c.data.train.substr(kTaskSourcePrefix.size()));
    Rng rng(DeriveSeed(seed, "task-prompts"));
    for (int64_t i = 0; i < c.data.task_eval_prompts; ++i) {
      in.task_prompts.push_back(in.task->Sample(rng, data::TaskSplit::kTest).prompt);
    }
  }
  spdlog::info("dpo data: {} training and {} held-out units ({} loss), {} task prompts",
               in.train.set.units.size(), in.eval.set.units.size(), prefopt::FamilyName(family),
               in.task_prompts.size());
  for (auto [part, name] : {std::pair{&in.train, "train"}, std::pair{&in.eval, "eval"}}) {
    const auto& sequences = part->set.sequences;
    part->ref_logps = !objective.NeedsReference() || sequences.empty()
                          ? torch::zeros({static_cast<int64_t>(sequences.size())}, torch::kFloat64)
                          : ReferenceLogps(reference.model, sequences, c.eval_batch_size, pad,
                                           run_dir / fmt::format("reference_logps_{}.pt", name));
  }
  if (in.task) {
    in.task_generation = eval::TaskGenerationOptions(*in.task, tokenizer);
    at::Generator g = models::MakeGenerator(DeriveSeed(seed, "eval-generation"));
    in.reference_samples =
        eval::EvaluateOnTask(reference.model, tokenizer, *in.task, in.task_prompts,
                             in.task_generation, c.eval_batch_size, g);
  }
  return in;
}

// Held-out figures: the objective's on held-out units, and on a task the policy's samples:
// gold reward, win rate against the reference's samples, KL; a few of the samples go to
// `samples` at `step`.
void EvaluateDpo(const DpoConfig& c, const DpoInputs& in, DpoModels& m,
                 prefopt::PreferenceTrainer& trainer, MetricList& out, SampleLog& samples,
                 int64_t step) {
  models::Transformer& policy = m.policy.model;
  policy->eval();
  for (const auto& [name, value] : trainer.Evaluate(in.eval, c.eval_batch_size)) {
    out.emplace_back("eval_" + name, value);
  }
  if (in.task) {
    at::Generator g = models::MakeGenerator(DeriveSeed(c.run.seed, "eval-generation"));
    const eval::TaskEvalResult result =
        eval::EvaluateOnTask(policy, *m.policy.tokenizer, *in.task, in.task_prompts,
                             in.task_generation, c.eval_batch_size, g, &m.reference.model);
    out.emplace_back("eval_" + in.task->MetricName(), result.mean_gold);
    out.emplace_back("eval_gold_win_rate", eval::GoldWinRate(result, in.reference_samples));
    out.emplace_back("eval_kl", result.mean_kl);
    out.emplace_back("eval_completion_tokens", result.mean_completion_tokens);
    if (result.game) {
      for (const auto& [name, value] : result.game->Metrics()) {
        out.emplace_back("eval_" + name, value);
      }
    }
    samples.Append(step, TaskEvalSamples(result));
  }
  policy->train();
}

// Sums over the steps between two metric lines and over the whole run, for throughput.
struct DpoThroughput {
  int64_t window_tokens = 0, window_units = 0, trained_units = 0, trained_tokens = 0;
  double train_seconds = 0.0;
  std::chrono::steady_clock::time_point window_start = std::chrono::steady_clock::now();

  void Add(const prefopt::PreferenceStep& s, double seconds) {
    window_tokens += s.padded_tokens;
    trained_tokens += s.padded_tokens;
    window_units += s.units;
    trained_units += s.units;
    train_seconds += seconds;
  }
  // The window's tokens_per_second and pairs_per_second.
  std::pair<double, double> Rates() const {
    const double seconds = std::max(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count(),
        1e-9);
    return {window_tokens / seconds, window_units / seconds};
  }
  // After a metric line is logged (and any evaluation done): the next window starts.
  void Restart() {
    window_tokens = window_units = 0;
    window_start = std::chrono::steady_clock::now();
  }
};

nlohmann::json DpoSummary(const DpoInputs& in, const MetricList& final_metrics,
                          const prefopt::PolicyObjective& objective, double last_loss,
                          int64_t steps, const fs::path& model_dir, const DpoThroughput& t) {
  nlohmann::json summary = in.report;
  for (const auto& [name, value] : final_metrics) {
    // The headline figures without the eval_ prefix, as the summary names them.
    const bool headline = name == "eval_gold_win_rate" || name == "eval_kl";
    summary[headline ? name.substr(5) : name] = value;
  }
  if (in.task) {
    summary[in.task->MetricName() + "_reference"] = in.reference_samples.mean_gold;
    summary[in.task->MetricName()] = summary["eval_" + in.task->MetricName()];
    summary["task"] = in.task->Describe();
    if (in.reference_samples.game) {
      for (const auto& [name, value] : in.reference_samples.game->Metrics()) {
        summary[name + "_reference"] = value;
      }
    }
  }
  summary["loss_type"] = objective.Describe();
  summary["train_loss"] = last_loss;
  summary["steps"] = steps;
  summary["model_dir"] = model_dir.string();
  if (t.train_seconds > 0) {
    summary["train_pairs_per_second"] = t.trained_units / t.train_seconds;
    summary["train_tokens_per_second"] = t.trained_tokens / t.train_seconds;
  }
  return summary;
}

class Dpo : public ConfiguredPipeline<DpoConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const DpoConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    const std::shared_ptr<const prefopt::PolicyObjective> objective =
        prefopt::MakePolicyObjective(c.trainer.objective);
    DpoModels m = OpenDpoModels(c, ctx, *objective);
    const models::Tokenizer& tokenizer = *m.policy.tokenizer;
    const int64_t pad = tokenizer.pad_id().value_or(tokenizer.eos_id().value_or(0));
    const DpoInputs in =
        PrepareInputs(c, *objective, m.reference, tokenizer, pad, ctx.dir().path());

    const int64_t n = static_cast<int64_t>(in.train.set.units.size());
    prefopt::PreferenceTrainerOptions options = c.trainer;
    options.optim = FitBatchesToData(c.trainer.optim, n, c.data.train);
    const models::LmOptim& optim = options.optim;
    const int64_t total_steps = optim.TotalSteps(n);
    prefopt::PreferenceTrainer trainer(options, m.policy.model, objective, pad, total_steps);
    CheckpointState state;
    trainer.AddTo(state);
    int64_t epoch = 0, position = 0;
    double last_loss = std::nan("");
    int64_t num_tokens = 0;  // real tokens trained on so far (TRL's num_tokens)
    const std::optional<nlohmann::json> restored = ctx.Restore(state);
    if (restored) {
      trainer.Resume((*restored)["step"]);
      epoch = (*restored)["epoch"];
      position = (*restored)["position"];
      last_loss = (*restored).value("last_loss", std::nan(""));
      num_tokens = (*restored).value("num_tokens", int64_t{0});
      spdlog::info("resuming at step {} of {}", trainer.step(), total_steps);
    }
    SampleLog samples = SampleLog::ForRun(ctx, restored);
    EpochCursor cursor(AllIndices(n), DeriveSeed(seed, "order"), epoch, position);
    // The final checkpoint keeps the last training loss: a run resumed from it trains no more
    // and still reports it.
    const auto counters = [&] {
      nlohmann::json out{{"step", trainer.step()},
                         {"epoch", cursor.epoch()},
                         {"position", cursor.position()},
                         {"last_loss", last_loss},
                         {"num_tokens", num_tokens}};
      samples.AddLengthTo(out);
      return out;
    };
    if (trainer.step() == 0) {
      MetricList first;
      EvaluateDpo(c, in, m, trainer, first, samples, 0);
      ctx.metrics().Log(0, first);
    }

    Progress progress("dpo", total_steps, c.run.progress_seconds);
    MetricWindow window;
    DpoThroughput throughput;
    while (trainer.step() < total_steps) {
      std::vector<std::vector<int64_t>> micro_batches;
      for (int64_t a = 0; a < optim.grad_accum; ++a) {
        micro_batches.push_back(cursor.Next(optim.batch_size));
      }
      const auto t0 = std::chrono::steady_clock::now();
      const prefopt::PreferenceStep s = trainer.Step(in.train, micro_batches);
      throughput.Add(s,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      const int64_t step = trainer.step(), before = step - 1;
      last_loss = s.loss;
      num_tokens += s.tokens;
      for (const MetricList& figures : s.micro_batches) window.Add(figures);
      window.Add({{"loss", s.loss}, {"grad_norm", s.grad_norm}});
      const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps;
      if (ctx.LogDue(before, step) || step == total_steps || eval_due) {
        const auto [tokens_per_second, pairs_per_second] = throughput.Rates();
        MetricList line = {{"learning_rate", s.learning_rate},
                           {"epoch", cursor.Progress()},
                           {"tokens_per_second", tokens_per_second},
                           {"pairs_per_second", pairs_per_second},
                           {"num_tokens", static_cast<double>(num_tokens)}};
        window.AppendTo(line, "");
        if (eval_due) EvaluateDpo(c, in, m, trainer, line, samples, step);
        ctx.metrics().Log(step, line);
        window.Clear();
        throughput.Restart();
      }
      if (ctx.CheckpointDue(before, step) && step < total_steps) ctx.Checkpoint(state, counters());
      progress.Update(step, fmt::format("loss={:.4f}", last_loss));
    }
    progress.Finish(fmt::format("loss={:.4f}", last_loss));
    // Checkpointed before the final evaluation is logged: a run killed after this checkpoint
    // evaluates and logs once on resuming, one killed before it resumes from the last one.
    ctx.Checkpoint(state, counters());
    MetricList final_metrics;
    EvaluateDpo(c, in, m, trainer, final_metrics, samples, trainer.step());
    ctx.metrics().Log(trainer.step(), final_metrics);
    const fs::path model_dir = ctx.dir().path() / "model";
    models::SaveLanguageModel(m.policy, model_dir);
    spdlog::info("model written to {}", model_dir.string());
    return DpoSummary(in, final_metrics, *objective, last_loss, trainer.step(), model_dir,
                      throughput);
  }
};

}  // namespace

PipelineRegistry::Entry DpoEntry() {
  return {"dpo",
          "direct preference optimisation of a language model (DPO family, KTO, PRO)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<Dpo>(); }};
}

}  // namespace rlab::pipeline
