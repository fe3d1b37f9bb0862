#include "rlab/pipeline/lm/lm_rl.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/text/text_task.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/text/tokenizer/named_tokenizer.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/lm/lm_best_of_n.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/pipeline/lm/sample_log.h"
#include "rlab/pipeline/lm/start_model.h"
#include "rlab/reward/signal/text_reward_source.h"
#include "rlab/rl/lm_policy_gradient_trainer.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

LmRlConfig::LmRlConfig() {
  optim.steps = 200;
  optim.batch_size = 16;
  optim.learning_rate = 1e-4;
  optim.warmup_ratio = 0.0;
  optim.min_lr_ratio = 1.0;  // a constant rate, as TRL's GRPO examples use
}

void LmRlConfig::Validate() const {
  prompt_file.Validate(data);
  RLAB_CHECK(IsTaskSource(data) || sft.steps == 0,
             "sft.steps needs data=task:SPEC (its demonstrations); a prompt file has none: run "
             "`rlab sft` on your demonstrations and start from its model");
  trainer.Validate();
  sft.Validate();
  optim.Validate();
  RLAB_CHECK(eval_prompts >= 1 && eval_every >= 0 && eval_batch_size >= 1,
             "eval_prompts and eval_batch_size must be >= 1, eval_every >= 0");
  WarnAboutRunCadence(run, optim.steps);
  WarnIfNeverDue("eval_every", eval_every, optim.steps,
                 "the run evaluates only at its start and end (eval_every=0 says so)");
}

namespace {

// The starting policy (after the SFT stage, if any) with its tokenizer.
models::LanguageModel OpenLmRlStart(const std::string& start, const LmRlConfig& c) {
  return OpenStartModel(start, c.tokenizer, c.run.seed);
}

// The reward sources, where "task" alone means this run's task; rules read the columns of a
// prompt file's records.
reward::TextRewardSource MakeLmRlRewards(const LmRlConfig& c, const data::TextTask& task) {
  return reward::TextRewardSource(BindTaskReward(c.trainer.reward, c.data),
                                  c.trainer.reward_weights, PromptColumnsOf(task));
}

rl::LmPolicyGradientOptimisation LmRlOptimisation(const models::LmOptim& optim) {
  return {optim.batch_size, optim.max_grad_norm,
          [optim](const std::vector<torch::Tensor>& parameters) {
            return models::MakeAdamW(parameters, optim);
          },
          [optim](torch::optim::AdamW& optimizer, int64_t step) {
            const double learning_rate = optim.LearningRateAt(step, optim.steps);
            models::SetLearningRate(optimizer, learning_rate);
            return learning_rate;
          }};
}

// The mean reward of each source, eval_rewards/<source> (a repeated name numbered from 2).
MetricList SourceRewardMetrics(const reward::TextRewards& scored) {
  MetricList m;
  std::map<std::string, int> seen;
  for (const auto& [name, values] : scored.parts) {
    const int n = ++seen[name];
    m.emplace_back(n == 1 ? "eval_rewards/" + name : fmt::format("eval_rewards/{}_{}", name, n),
                   values.mean().item<double>());
  }
  return m;
}

// The evaluation of the policy on the held-out prompts, at the task's own sampling settings.
struct LmRlEvaluation {
  models::Transformer policy, reference;
  const data::TextTask& task;
  const models::Tokenizer& tokenizer;
  const reward::TextRewardSource& rewards;
  const HeldOutPrompts& held_out;
  int64_t batch_size;
  uint64_t seed;
  SampleLog& samples;

  // Appends eval_<metric>, eval_reward, eval_kl and eval_completion_tokens to `m` (a prompt
  // file has no eval_<metric>, and with several reward sources eval_rewards/<source>) and the
  // first samples with their rewards to samples.jsonl at `step`; returns the gold metric (NaN
  // without one).
  double operator()(MetricList& m, int64_t step) {
    policy->eval();
    at::Generator g = models::MakeGenerator(DeriveSeed(seed, "eval-generation"));
    const auto options = eval::TaskGenerationOptions(task, tokenizer);
    const eval::TaskEvalResult r = eval::EvaluateOnTask(policy, tokenizer, task, held_out.prompts,
                                                        options, batch_size, g, &reference);
    policy->train();
    // The training reward before any transform or KL term: on a learned reward this is the
    // proxy whose rise the overoptimisation lab sets against the gold metric.
    const reward::TextRewards scored = rewards.Score(r.prompts, r.completions, held_out.answers);
    const double proxy = scored.total.mean().item<double>();
    std::vector<Sample> shown = EvaluationSamples(r, task);
    for (std::size_t i = 0; i < shown.size(); ++i) shown[i].reward = scored.total[i].item<double>();
    samples.Append(step, shown);
    if (task.HasGoldReward()) m.emplace_back("eval_" + task.MetricName(), r.mean_gold);
    m.emplace_back("eval_reward", proxy);
    m.emplace_back("eval_kl", r.mean_kl);
    m.emplace_back("eval_completion_tokens", r.mean_completion_tokens);
    if (!task.HasGoldReward() && scored.parts.size() > 1) {
      for (const auto& [name, value] : SourceRewardMetrics(scored)) m.emplace_back(name, value);
    }
    return task.HasGoldReward() ? r.mean_gold : std::nan("");
  }
};

// An algorithm without training (best-of-N): the figures of N samples per held-out prompt.
// Without a gold reward only the reward and the KL are logged.
nlohmann::json RunLmRlBestOfN(RunContext& ctx, const LmRlConfig& c, const data::TextTask& task,
                              const reward::TextRewardSource& rewards,
                              const HeldOutPrompts& held_out, models::LanguageModel& lm) {
  // Nothing to checkpoint: a run killed before its summary starts over, its line cut off.
  ctx.Restore(CheckpointState());
  BestOfNRequest request{
      &task,
      &rewards,
      held_out.prompts,
      held_out.answers,
      c.trainer.group_size,
      c.trainer.RolloutGeneration(eval::TaskGenerationOptions(task, *lm.tokenizer)),
      c.eval_batch_size,
      DeriveSeed(c.run.seed, "best-of-n")};
  nlohmann::json summary = RunBestOfN(lm.model, *lm.tokenizer, request);
  MetricList m;
  if (task.HasGoldReward()) {
    m.emplace_back("eval_" + task.MetricName(), summary[task.MetricName()].get<double>());
  }
  m.emplace_back("eval_reward", summary["reward"].get<double>());
  m.emplace_back("eval_kl", summary["kl"].get<double>());
  ctx.metrics().Log(0, m);
  if (!task.HasGoldReward()) summary["gold"] = kNoGoldReward;
  summary["algo"] = c.trainer.algo;
  summary["task"] = task.Describe();
  return summary;
}

// The run's summary: the final evaluation, the start and end metric (on a task with a gold
// reward), the last batch's reward and where the time went.
nlohmann::json LmRlSummary(const MetricList& final_metrics, const data::TextTask& task,
                           double final_metric, double start_metric, double last_reward,
                           const rl::LmPolicyGradientTrainer& trainer) {
  nlohmann::json summary;
  for (const auto& [name, value] : final_metrics) summary[name] = value;
  if (task.HasGoldReward()) {
    summary[task.MetricName()] = final_metric;
    summary[task.MetricName() + "_start"] = start_metric;
  } else {
    summary["gold"] = kNoGoldReward;
  }
  summary["kl"] = summary["eval_kl"];
  summary["reward"] = last_reward;
  summary["steps"] = trainer.step();
  const rl::LmPolicyGradientTimings& t = trainer.timings();
  const double busy = t.generation + t.scoring + t.training;
  if (busy > 0) {
    summary["time_generation_share"] = t.generation / busy;
    summary["time_scoring_share"] = t.scoring / busy;
    summary["time_training_share"] = t.training / busy;
    summary["seconds_per_step"] = busy / std::max<int64_t>(t.iterations, 1);
    summary["rollout_tokens_per_second"] = t.rollout_tokens / std::max(t.generation, 1e-9);
  }
  return summary;
}

class LmRl : public ConfiguredPipeline<LmRlConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const LmRlConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    const std::string start = WarmStartModel(c.sft, {c.model, c.tokenizer, c.data, ctx.dir().path(),
                                                     seed, c.run.threads, c.run.blas_threads});
    models::LanguageModel lm = OpenLmRlStart(start, c);
    models::LanguageModel ref = OpenLmRlStart(start, c);
    ref.model->eval();
    for (auto& p : ref.model->parameters()) p.set_requires_grad(false);
    const auto task = OpenPromptSource(c.data, c.prompt_file, *lm.tokenizer,
                                       c.trainer.sampling.max_new_tokens, seed);
    const reward::TextRewardSource rewards = MakeLmRlRewards(c, *task);
    spdlog::info("rl: {} on {}; policy {}; reward {}", c.trainer.algo, task->Describe(),
                 lm.Describe(), rewards.Describe());
    const HeldOutPrompts held_out = DrawHeldOutPrompts(*task, c.eval_prompts, seed);
    if (!rl::MakeLmRlAlgorithm(c.trainer.algo)->trains) {
      return RunLmRlBestOfN(ctx, c, *task, rewards, held_out, lm);
    }
    const int64_t total_steps = c.optim.steps;
    RLAB_CHECK(total_steps >= 1, "optim.steps must be >= 1 for rl (epochs do not apply)");
    rl::LmPolicyGradientTrainer trainer(
        c.trainer, {lm.model, ref.model, task.get(), lm.tokenizer.get(), &rewards},
        LmRlOptimisation(c.optim), eval::TaskGenerationOptions(*task, *lm.tokenizer), seed);
    spdlog::info("rl: {}", trainer.Describe());
    CheckpointState state;
    trainer.AddState(state);
    double start_metric = std::nan("");
    double last_reward = std::nan("");  // the mean reward of the last batch, for the summary
    const std::optional<nlohmann::json> restored = ctx.Restore(state);
    if (const auto& counters = restored) {
      trainer.RestoreCounters(*counters);
      // null: NaN (no gold reward, or a start not evaluated).
      if (counters->value("start_metric", nlohmann::json()).is_number()) {
        start_metric = (*counters)["start_metric"];
      }
      // null: NaN, or a checkpoint written before the figure was kept.
      if (counters->value("last_reward", nlohmann::json()).is_number()) {
        last_reward = (*counters)["last_reward"];
      }
      spdlog::info("resuming at step {} of {}", trainer.step(), total_steps);
    }
    SampleLog samples = SampleLog::ForRun(ctx, restored);
    const auto counters = [&] {
      nlohmann::json j = trainer.Counters();
      j["start_metric"] = start_metric;
      j["last_reward"] = last_reward;
      samples.AddLengthTo(j);
      return j;
    };
    LmRlEvaluation evaluate{lm.model, ref.model,         *task, *lm.tokenizer, rewards,
                            held_out, c.eval_batch_size, seed,  samples};
    if (trainer.step() == 0) {
      MetricList m;
      start_metric = evaluate(m, 0);
      ctx.metrics().Log(0, m);
    }
    Progress progress("rl", total_steps, c.run.progress_seconds);
    while (trainer.step() < total_steps) {
      const int64_t before = trainer.step();
      rl::LmPolicyGradientIteration it = trainer.Iterate();
      last_reward = it.reward;
      const int64_t step = trainer.step();
      const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps;
      if (ctx.LogDue(before, step) || step == total_steps || eval_due) {
        if (eval_due) evaluate(it.metrics, step);
        ctx.metrics().Log(step, it.metrics);
      }
      if (ctx.CheckpointDue(before, step) && step < total_steps) ctx.Checkpoint(state, counters());
      progress.Update(step, fmt::format("reward={:.3f} kl={:.3f}", it.reward, it.kl));
    }
    progress.Finish(fmt::format("reward={:.3f}", last_reward));
    // The final checkpoint comes before the final evaluation's line: a run killed after it
    // evaluates and logs once more, instead of logging that line twice.
    ctx.Checkpoint(state, counters());
    MetricList final_metrics;
    const double final_metric = evaluate(final_metrics, trainer.step());
    ctx.metrics().Log(trainer.step(), final_metrics);
    const fs::path model_dir = ctx.dir().path() / "model";
    models::SaveLanguageModel(lm, model_dir);
    spdlog::info("model written to {}", model_dir.string());
    nlohmann::json summary =
        LmRlSummary(final_metrics, *task, final_metric, start_metric, last_reward, trainer);
    summary["algo"] = c.trainer.algo;
    summary["task"] = task->Describe();
    summary["model_dir"] = model_dir.string();
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry LmRlEntry() {
  return {"rl",
          "online RL of a language model from rewards of its samples (GRPO family)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<LmRl>(); }};
}

}  // namespace rlab::pipeline
