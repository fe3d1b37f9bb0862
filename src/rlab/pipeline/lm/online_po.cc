#include "rlab/pipeline/lm/online_po.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/pipeline/lm/sample_log.h"
#include "rlab/pipeline/lm/start_model.h"
#include "rlab/reward/signal/preference_judge.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

OnlinePoConfig::OnlinePoConfig() {
  optim.steps = 100;
  optim.batch_size = 1;  // unused: prompts_per_step sets the batch
  optim.learning_rate = 5e-5;
  optim.warmup_ratio = 0.0;
  optim.min_lr_ratio = 1.0;  // a constant rate, as TRL's online examples use
}

void OnlinePoConfig::Validate() const {
  prompt_file.Validate(data);
  RLAB_CHECK(IsTaskSource(data) || sft.steps == 0,
             "sft.steps needs data=task:SPEC (its demonstrations); a prompt file has none: run "
             "`rlab sft` on your demonstrations and start from its model");
  trainer.Validate();
  sft.Validate();
  optim.Validate();
  RLAB_CHECK(optim.steps >= 1, "optim.steps must be >= 1 for online-po (epochs do not apply)");
  RLAB_CHECK(eval_prompts >= 0 && eval_every >= 0 && eval_batch_size >= 1,
             "eval_prompts and eval_every must be >= 0, eval_batch_size >= 1");
  WarnAboutRunCadence(run, optim.steps);
  WarnIfNeverDue("eval_every", eval_every, optim.steps,
                 "the run evaluates only at its start and end (eval_every=0 says so)");
}

namespace {

// A frozen model opened as the start is (the start itself, or the `reference`).
models::LanguageModel OpenFrozenStart(const std::string& start, const OnlinePoConfig& c) {
  models::LanguageModel lm = OpenStartModel(start, c.tokenizer, c.run.seed);
  lm.model->eval();
  for (auto& p : lm.model->parameters()) p.set_requires_grad(false);
  return lm;
}

// The held-out evaluation: the policy's samples of the test prompts against the starting
// model's (gold reward, gold win rate, KL to the starting model); on a prompt file, which has no
// gold judge, the run's judge gives the win rate against the starting model's samples.
struct OnlinePoEvaluation {
  models::Transformer policy, start;
  const data::TextTask& task;
  const models::Tokenizer& tokenizer;
  std::vector<std::string> prompts;
  int64_t batch_size;
  uint64_t seed;
  eval::TaskEvalResult start_samples;
  reward::PreferenceJudge* judge = nullptr;  // for a prompt file's win rate
  SampleLog* samples = nullptr;

  eval::TaskEvalResult Sample(models::Transformer& model, models::Transformer* kl_reference) {
    at::Generator g = models::MakeGenerator(DeriveSeed(seed, "eval-generation"));
    return eval::EvaluateOnTask(model, tokenizer, task, prompts,
                                eval::TaskGenerationOptions(task, tokenizer), batch_size, g,
                                kl_reference);
  }
  void Prepare() {
    if (!prompts.empty()) start_samples = Sample(start, nullptr);
  }
  // The judge's mean P(policy's sample > start's sample) over the prompts.
  double JudgeWinRate(const eval::TaskEvalResult& r) const {
    reward::CompletionGroups policy_samples, start_samples_of_prompts;
    for (std::size_t i = 0; i < r.completions.size(); ++i) {
      policy_samples.push_back({r.completions[i]});
      start_samples_of_prompts.push_back({start_samples.completions[i]});
    }
    torch::NoGradGuard no_grad;
    return judge
        ->Compare(r.prompts, policy_samples, start_samples_of_prompts)  // [P, 1, 1]
        .mean()
        .item<double>();
  }
  // Appends eval_<metric> and eval_gold_win_rate (a prompt file: eval_judge_win_rate),
  // eval_kl and eval_completion_tokens, and the first samples to samples.jsonl at `step`.
  void operator()(MetricList& m, int64_t step) {
    if (prompts.empty()) return;
    policy->eval();
    const eval::TaskEvalResult r = Sample(policy, &start);
    policy->train();
    samples->Append(step, EvaluationSamples(r, task));
    if (!task.HasGoldReward()) {
      m.emplace_back("eval_judge_win_rate", JudgeWinRate(r));
      m.emplace_back("eval_kl", r.mean_kl);
      m.emplace_back("eval_completion_tokens", r.mean_completion_tokens);
      return;
    }
    m.emplace_back("eval_" + task.MetricName(), r.mean_gold);
    m.emplace_back("eval_gold_win_rate", eval::GoldWinRate(r, start_samples));
    m.emplace_back("eval_kl", r.mean_kl);
    m.emplace_back("eval_completion_tokens", r.mean_completion_tokens);
    if (r.game) {
      for (const auto& [name, value] : r.game->Metrics()) m.emplace_back("eval_" + name, value);
    }
  }
};

// The loss of a training line; NaN before any (a run resumed after its last step).
double LossOf(const MetricList& line) {
  for (const auto& [name, value] : line) {
    if (name == "loss") return value;
  }
  return std::nan("");
}

nlohmann::json OnlinePoSummary(const MetricList& final_metrics, const OnlinePoEvaluation& eval,
                               const prefopt::OnlinePreferenceTrainer& trainer,
                               const reward::PreferenceJudge& judge, const MetricList& last) {
  nlohmann::json summary;
  for (const auto& [name, value] : final_metrics) {
    // The headline figures without the eval_ prefix, as dpo's summary names them.
    const bool headline =
        name == "eval_gold_win_rate" || name == "eval_judge_win_rate" || name == "eval_kl";
    summary[headline ? name.substr(5) : name] = value;
  }
  const std::string metric = eval.task.MetricName();
  if (!eval.task.HasGoldReward()) summary["gold"] = kNoGoldReward;
  if (!eval.prompts.empty() && eval.task.HasGoldReward()) {
    summary[metric] = summary["eval_" + metric];
    summary[metric + "_reference"] = eval.start_samples.mean_gold;
    if (eval.start_samples.game) {
      for (const auto& [name, value] : eval.start_samples.game->Metrics()) {
        summary[name + "_reference"] = value;
      }
    }
  }
  summary["train_loss"] = LossOf(last);
  summary["task"] = eval.task.Describe();
  summary["objective"] = trainer.objective().Describe();
  summary["judge"] = judge.Describe();
  summary["steps"] = trainer.step();
  // Where this process's time went (a resumed run's covers its own steps).
  const TimeSplit& t = trainer.timings();
  if (t.Total() > 0) {
    for (const auto& [section, seconds] : t.sections()) {
      summary["time_" + section + "_share"] = seconds / t.Total();
    }
    summary["seconds_per_step"] = t.Total() / std::max<int64_t>(trainer.iterations(), 1);
  }
  return summary;
}

class OnlinePo : public ConfiguredPipeline<OnlinePoConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const OnlinePoConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    const std::string start = WarmStartModel(c.sft, {c.model, c.tokenizer, c.data, ctx.dir().path(),
                                                     seed, c.run.threads, c.run.blas_threads});
    models::LanguageModel lm = OpenStartModel(start, c.tokenizer, seed);
    // The self-rewarding objectives judge by beta log(pi / pi_ref), zero while the reference
    // is the start: `reference` gives them another one (the model before the SFT stage).
    models::LanguageModel ref = OpenFrozenStart(c.reference.empty() ? start : c.reference, c);
    RLAB_CHECK(ref.model->config().vocab_size == lm.model->config().vocab_size,
               "reference '{}' has a vocabulary of {} tokens, the policy {}", c.reference,
               ref.model->config().vocab_size, lm.model->config().vocab_size);
    // With a moving or another reference, evaluation compares with a copy of the start.
    std::optional<models::LanguageModel> fixed_start;
    if (c.trainer.ref_update_every > 0 || !c.reference.empty()) {
      fixed_start = OpenFrozenStart(start, c);
    }
    const auto task = OpenPromptSource(c.data, c.prompt_file, *lm.tokenizer,
                                       c.trainer.sampling.max_new_tokens, seed);
    const std::unique_ptr<reward::PreferenceJudge> judge =
        reward::MakePreferenceJudge(c.trainer.judge, task.get());
    prefopt::OnlinePreferenceTrainer trainer(
        c.trainer, {lm.model, ref.model, task.get(), lm.tokenizer.get(), judge.get()}, c.optim,
        eval::TaskGenerationOptions(*task, *lm.tokenizer), seed);
    spdlog::info("online-po: {} on {}; judge {}; policy {}", trainer.objective().Describe(),
                 task->Describe(), judge->Describe(), lm.Describe());

    OnlinePoEvaluation evaluate{lm.model,   fixed_start ? fixed_start->model : ref.model,
                                *task,      *lm.tokenizer,
                                {},         c.eval_batch_size,
                                seed,       {},
                                judge.get()};
    evaluate.prompts = DrawHeldOutPrompts(*task, c.eval_prompts, seed).prompts;
    evaluate.Prepare();

    CheckpointState state;
    trainer.AddState(state);
    const std::optional<nlohmann::json> restored = ctx.Restore(state);
    if (const auto& counters = restored) {
      trainer.RestoreCounters(*counters);
      spdlog::info("resuming at step {} of {}", trainer.step(), c.optim.steps);
    }
    SampleLog samples = SampleLog::ForRun(ctx, restored);
    evaluate.samples = &samples;
    const auto counters = [&] {
      nlohmann::json j = trainer.Counters();
      samples.AddLengthTo(j);
      return j;
    };
    if (trainer.step() == 0) {
      MetricList m;
      evaluate(m, 0);
      ctx.metrics().Log(0, m);
    }
    const int64_t total_steps = c.optim.steps;
    Progress progress("online-po", total_steps, c.run.progress_seconds);
    MetricList last;
    while (trainer.step() < total_steps) {
      const int64_t before = trainer.step();
      last = trainer.Iterate();
      const int64_t step = trainer.step();
      const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps;
      if (ctx.LogDue(before, step) || step == total_steps || eval_due) {
        MetricList line = last;
        if (eval_due) evaluate(line, step);
        ctx.metrics().Log(step, line);
      }
      if (ctx.CheckpointDue(before, step) && step < total_steps) {
        ctx.Checkpoint(state, counters());
      }
      progress.Update(step, fmt::format("loss={:.4f}", LossOf(last)));
    }
    progress.Finish(fmt::format("loss={:.4f}", LossOf(last)));
    // Checkpointed before the last evaluation is logged, so that a resumed run logs it once.
    ctx.Checkpoint(state, counters());
    MetricList final_metrics;
    evaluate(final_metrics, trainer.step());
    ctx.metrics().Log(trainer.step(), final_metrics);
    const fs::path model_dir = ctx.dir().path() / "model";
    models::SaveLanguageModel(lm, model_dir);
    spdlog::info("model written to {}", model_dir.string());
    nlohmann::json summary = OnlinePoSummary(final_metrics, evaluate, trainer, *judge, last);
    summary["model_dir"] = model_dir.string();
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry OnlinePoEntry() {
  return {
      "online-po",
      "online preference optimisation of a language model from a judge's comparisons of "
      "its samples (online DPO, self-play, Nash)",
      {},
      [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<OnlinePo>(); }};
}

}  // namespace rlab::pipeline
