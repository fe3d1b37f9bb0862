#include "rlab/pipeline/lm_rl.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/data/text/text_task.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/models/fused_adamw.h"
#include "rlab/models/generation/completion_logprobs.h"
#include "rlab/models/tokenizer/named_tokenizer.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/models/transformer/sequence_reward_model.h"
#include "rlab/pipeline/lm_best_of_n.h"
#include "rlab/pipeline/lm_threads.h"
#include "rlab/pipeline/rm_data.h"
#include "rlab/reward/constrained_sources.h"
#include "rlab/reward/kl_controller.h"
#include "rlab/reward/kl_estimators.h"
#include "rlab/reward/reward_transforms.h"
#include "rlab/reward/text_reward_source.h"
#include "rlab/rl/group_advantages.h"
#include "rlab/rl/lm_ppo.h"
#include "rlab/rl/policy_gradient_loss.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

LmRlConfig::LmRlConfig() {
  optim.steps = 200;
  optim.batch_size = 16;
  optim.learning_rate = 1e-4;
  optim.warmup_ratio = 0.0;
  optim.min_lr_ratio = 1.0;  // a constant rate, as TRL's GRPO examples use
}

namespace {

// The algo's advantage estimator, loss aggregation and upper clip range.
struct AlgoDefaults {
  std::string advantage;
  std::string aggregation;
  double epsilon_high = -1;  // < 0: epsilon_low
};

AlgoDefaults DefaultsOf(const std::string& algo) {
  if (algo == "grpo") return {"grpo", "grpo"};
  if (algo == "dr_grpo") return {"grpo(scale_rewards=false)", "dr_grpo"};
  if (algo == "dapo") return {"grpo", "dapo", 0.28};
  if (algo == "rloo") return {"rloo", "grpo"};
  if (algo == "reinforce_pp") return {"reinforce_pp", "dapo"};
  if (algo == "bnpo") return {"bnpo", "grpo"};
  if (algo == "ppo") return {"grpo", "dapo"};  // advantages come from GAE, not a group
  if (algo == "bon") return {"grpo", "grpo"};  // no training: the estimators go unused
  RLAB_FAIL("unknown algo '{}'; valid algos: grpo, dr_grpo, dapo, rloo, reinforce_pp, bnpo, ppo, "
            "bon", algo);
}

}  // namespace

void LmRlConfig::Validate() const {
  RLAB_CHECK(IsTaskSource(data), "data must be task:SPEC (prompts with a gold reward), got '{}'",
             data);
  const AlgoDefaults d = DefaultsOf(algo);
  rl::MakeGroupAdvantage(advantage.empty() ? d.advantage : advantage);
  rl::ParseLossAggregation(loss_aggregation.empty() ? d.aggregation : loss_aggregation);
  reward::MakeRewardTransform(reward_transform);
  reward::MakeKlController(kl_controller);
  RLAB_CHECK(kl_penalty == "loss" || kl_penalty == "reward",
             "kl_penalty must be loss or reward, got '{}'", kl_penalty);
  if (!kl_estimator.empty()) reward::ParseKlEstimator(kl_estimator);
  RLAB_CHECK(!reward.empty(), "reward must name at least one source");
  if (!constraints.empty()) {
    RLAB_CHECK(constraints.size() == reward.size(),
               "constraints has {} roles for {} reward sources (one each)", constraints.size(),
               reward.size());
    // Building the combination checks the roles, the weights and the multiplier settings.
    reward::ConstrainedSources(constraints, reward_weights,
                               reward::LagrangeSettings{lagrange_lr, 0.0, max_multiplier});
    RLAB_CHECK(!reward::MakeRewardTransform(reward_transform)->NeedsReference(),
               "reward_transform {} compares with the reference's reward, which constraints "
               "do not define; use identity, centre, standardise or clip", reward_transform);
  }
  RLAB_CHECK(reward_weights.empty() || reward_weights.size() == reward.size(),
             "reward_weights has {} entries for {} reward sources", reward_weights.size(),
             reward.size());
  const bool grouped = algo != "ppo" && algo != "bon";
  RLAB_CHECK(group_size >= (grouped ? 2 : 1),
             "group_size must be >= 2 (a group baseline needs two samples), or >= 1 for ppo and bon");
  RLAB_CHECK(gamma > 0 && gamma <= 1 && gae_lambda >= 0 && gae_lambda <= 1 && vf_coef >= 0,
             "gamma must be in (0, 1], gae_lambda in [0, 1], vf_coef >= 0");
  RLAB_CHECK(temperature > 0, "temperature must be > 0, got {}", temperature);
  RLAB_CHECK(max_new_tokens >= 0 && updates_per_batch >= 1,
             "max_new_tokens must be >= 0 and updates_per_batch >= 1");
  RLAB_CHECK(epsilon_low > 0 && epsilon_low < 1, "epsilon_low must be in (0, 1)");
  sft.Validate();
  optim.Validate();
  RLAB_CHECK(eval_prompts >= 1 && eval_every >= 0 && eval_batch_size >= 1,
             "eval_prompts and eval_batch_size must be >= 1, eval_every >= 0");
}

namespace {

// One batch of rollouts: P prompts times G completions, rows grouped by prompt.
struct Rollouts {
  models::GenerationOutput out;
  std::vector<std::string> prompts, completions;
  std::vector<std::optional<std::string>> answers;
  torch::Tensor ref_logp;  // [B, N] under the reference
  int64_t tokens = 0;      // generated tokens
};

class LmRl : public ConfiguredPipeline<LmRlConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const LmRlConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    const std::string start = WarmStartModel(
        c.sft, {c.model, c.tokenizer, c.data, ctx.dir().path(), seed, c.run.threads});
    const auto open = [&] {
      return models::OpenLanguageModel(
          start, DeriveSeed(seed, "init"),
          c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer));
    };
    models::LanguageModel lm = open();
    RLAB_CHECK(lm.tokenizer != nullptr,
               "{} has no tokenizer files; name one with tokenizer=byte|gpt2|PATH", start);
    models::LanguageModel ref = open();
    ref.model->eval();
    for (auto& p : ref.model->parameters()) p.set_requires_grad(false);
    const models::Tokenizer& tokenizer = *lm.tokenizer;
    const auto task = data::MakeTextTask(c.data.substr(kTaskSourcePrefix.size()));

    // "task" alone means this run's task.
    std::vector<std::string> reward_specs = c.reward;
    for (auto& s : reward_specs) {
      if (s == "task") s = "task(spec=\"" + c.data.substr(kTaskSourcePrefix.size()) + "\")";
    }
    const reward::TextRewardSource rewards(reward_specs, c.reward_weights);
    std::optional<reward::ConstrainedSources> constrained;
    if (!c.constraints.empty()) {
      constrained.emplace(c.constraints, c.reward_weights,
                          reward::LagrangeSettings{c.lagrange_lr, 0.0, c.max_multiplier});
    }
    const auto transform = reward::MakeRewardTransform(c.reward_transform);
    const AlgoDefaults defaults = DefaultsOf(c.algo);
    const auto advantage = rl::MakeGroupAdvantage(c.advantage.empty() ? defaults.advantage : c.advantage);
    const auto kl = reward::MakeKlController(c.kl_controller);
    const bool kl_in_reward = c.kl_penalty == "reward";
    const reward::KlEstimator estimator = reward::ParseKlEstimator(
        !c.kl_estimator.empty() ? c.kl_estimator : (kl_in_reward ? "k1" : "k3"));
    rl::PolicyLossSettings loss_settings;
    loss_settings.epsilon_low = c.epsilon_low;
    loss_settings.epsilon_high = c.epsilon_high >= 0 ? c.epsilon_high
                                 : defaults.epsilon_high >= 0 ? defaults.epsilon_high
                                                              : c.epsilon_low;
    loss_settings.kl_estimator = estimator;
    loss_settings.aggregation = rl::ParseLossAggregation(
        c.loss_aggregation.empty() ? defaults.aggregation : c.loss_aggregation);

    models::GenerationOptions generation = eval::TaskGenerationOptions(*task, tokenizer);
    if (c.max_new_tokens > 0) generation.max_new_tokens = c.max_new_tokens;
    generation.sampling.temperature = c.temperature;
    loss_settings.max_completion_length = generation.max_new_tokens;
    spdlog::info("rl: {} on {}; policy {}; reward {}; transform {}; advantage {}; KL {} in the {}",
                 c.algo, task->Describe(), lm.Describe(), rewards.Describe(),
                 transform->Describe(), advantage->Describe(), kl->Describe(), c.kl_penalty);

    std::vector<std::string> eval_prompts;
    std::vector<std::optional<std::string>> eval_answers;
    {
      Rng rng(DeriveSeed(seed, "eval-prompts"));
      for (int64_t i = 0; i < c.eval_prompts; ++i) {
        data::TaskExample e = task->Sample(rng, data::TaskSplit::kTest);
        eval_prompts.push_back(std::move(e.prompt));
        eval_answers.emplace_back(std::move(e.completion));
      }
    }

    models::Transformer& policy = lm.model;
    if (c.algo == "bon") {
      BestOfNRequest request{task.get(), &rewards, eval_prompts, eval_answers, c.group_size,
                             generation, c.eval_batch_size, DeriveSeed(seed, "best-of-n")};
      nlohmann::json summary = RunBestOfN(policy, tokenizer, request);
      ctx.metrics().Log(0, {{"eval_" + task->MetricName(), summary[task->MetricName()].get<double>()},
                            {"eval_reward", summary["reward"].get<double>()},
                            {"eval_kl", summary["kl"].get<double>()}});
      summary["algo"] = c.algo;
      summary["task"] = task->Describe();
      return summary;
    }
    const int64_t total_steps = c.optim.steps;
    RLAB_CHECK(total_steps >= 1, "optim.steps must be >= 1 for rl (epochs do not apply)");
    // PPO's critic: a value head on a copy of the starting policy, trained with it by one
    // optimiser (as TRL wraps policy and value model together).
    const bool ppo = c.algo == "ppo";
    models::SequenceRewardModel critic{nullptr};
    std::vector<torch::Tensor> trained = policy->parameters();
    if (ppo) {
      critic = models::RewardModelFromLanguageModel(policy, 1);
      for (const auto& p : critic->parameters()) trained.push_back(p);
    }
    const auto optimizer = MakeAdamW(trained, c.optim);
    CheckpointState state;
    state.AddModule("model", policy.ptr());
    if (ppo) state.AddModule("critic", critic.ptr());
    state.AddOptimizer("optimizer", optimizer.get());
    int64_t step = 0;
    double start_metric = std::nan("");
    if (auto counters = ctx.Restore(state)) {
      step = (*counters)["step"];
      start_metric = (*counters)["start_metric"];
      kl->Restore((*counters)["kl_beta"]);
      if (constrained) constrained->Restore((*counters)["multipliers"]);
      spdlog::info("resuming at step {} of {}", step, total_steps);
    }
    const auto counters = [&] {
      nlohmann::json j{{"step", step}, {"start_metric", start_metric}, {"kl_beta", kl->beta()}};
      if (constrained) j["multipliers"] = constrained->multipliers();
      return j;
    };
    const auto evaluate = [&](MetricList& m) {
      policy->eval();
      at::Generator g = models::MakeGenerator(DeriveSeed(seed, "eval-generation"));
      const auto options = eval::TaskGenerationOptions(*task, tokenizer);
      const eval::TaskEvalResult r = eval::EvaluateOnTask(policy, tokenizer, *task, eval_prompts,
                                                          options, c.eval_batch_size, g, &ref.model);
      policy->train();
      // The training reward before any transform or KL term: on a learned reward this is the
      // proxy whose rise the overoptimisation lab sets against the gold metric.
      const double proxy = rewards.Score(r.prompts, r.completions, eval_answers).total.mean().item<double>();
      m.emplace_back("eval_" + task->MetricName(), r.mean_gold);
      m.emplace_back("eval_reward", proxy);
      m.emplace_back("eval_kl", r.mean_kl);
      m.emplace_back("eval_completion_tokens", r.mean_completion_tokens);
      return r.mean_gold;
    };
    if (step == 0) {
      MetricList m;
      start_metric = evaluate(m);
      ctx.metrics().Log(0, m);
    }

    // Draws the step's prompts and samples G completions of each from `model`.
    const auto roll_out = [&](models::Transformer& model, int64_t at_step, int64_t group,
                              const char* what) {
      Rng rng(DeriveSeed(seed, fmt::format("{}-prompts-{}", what, at_step)));
      Rollouts r;
      std::vector<std::vector<int64_t>> ids;
      for (int64_t p = 0; p < c.optim.batch_size; ++p) {
        const data::TaskExample e = task->Sample(rng, data::TaskSplit::kTrain);
        const std::vector<int64_t> prompt = tokenizer.EncodeWithBos(e.prompt);
        for (int64_t g = 0; g < group; ++g) {
          ids.push_back(prompt);
          r.prompts.push_back(e.prompt);
          r.answers.emplace_back(e.completion);
        }
      }
      at::Generator gen = models::MakeGenerator(DeriveSeed(seed, fmt::format("{}-{}", what, at_step)));
      r.out = models::Generate(model, ids, generation, gen);
      for (int64_t b = 0; b < static_cast<int64_t>(ids.size()); ++b) {
        r.completions.push_back(tokenizer.Decode(r.out.Completion(b), /*skip_special=*/true));
      }
      r.tokens = r.out.mask.sum().item<int64_t>();
      return r;
    };

    const int64_t first_step = step;  // timings cover the steps of this process
    Progress progress("rl", total_steps, c.run.progress_seconds);
    double last_reward = std::nan("");
    double time_generation = 0, time_scoring = 0, time_training = 0;
    int64_t rollout_tokens = 0;
    while (step < total_steps) {
      const int64_t G = c.group_size;
      auto t0 = Clock::now();
      policy->eval();  // no dropout in sampling
      Rollouts r = roll_out(policy, step, G, "rollout");
      policy->train();
      const double gen_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      t0 = Clock::now();
      const torch::Tensor mask = r.out.mask.to(torch::kFloat32);
      {
        torch::NoGradGuard no_grad;
        r.ref_logp = models::CompletionLogProbs(ref.model, r.out, c.temperature);
      }
      const reward::TextRewards scored = rewards.Score(r.prompts, r.completions, r.answers);
      torch::Tensor r_ref;
      if (transform->NeedsReference()) {
        // The reference policy's own sample for each prompt (same prompts: same seed).
        Rollouts base = roll_out(ref.model, step, 1, "rollout");
        r_ref = rewards.Score(base.prompts, base.completions, base.answers)
                    .total.repeat_interleave(G);
      }
      torch::Tensor processed =
          (*transform)(constrained ? constrained->Combine(scored) : scored.total, r_ref);
      const torch::Tensor token_kl = reward::PerTokenKl(r.out.logprobs, r.ref_logp, estimator) * mask;
      const torch::Tensor sequence_kl = token_kl.sum(1);
      torch::Tensor advantages, old_values, returns;
      if (ppo) {
        // The KL penalty per token and the score on the last one; GAE over the tokens.
        torch::NoGradGuard no_grad;
        critic->eval();
        old_values = rl::CompletionValues(critic, r.out);
        critic->train();
        const torch::Tensor penalty =
            kl_in_reward && kl->beta() > 0 ? -kl->beta() * token_kl : torch::Tensor();
        const rl::TokenGae gae = rl::ComputeTokenGae(rl::TokenRewards(processed, mask, penalty),
                                                     old_values, mask, c.gamma, c.gae_lambda);
        advantages = rl::WhitenMasked(gae.advantages, mask);
        returns = gae.returns;
      } else {
        if (kl_in_reward && kl->beta() > 0) processed = processed - kl->beta() * sequence_kl;
        advantages = (*advantage)(processed, G);
      }
      const rl::GroupRewardStats stats = rl::ComputeGroupRewardStats(scored.total, G);
      double gold = 0.0;  // the task's own metric, whatever the training reward is
      for (std::size_t i = 0; i < r.prompts.size(); ++i) {
        gold += task->GoldReward(r.prompts[i], r.completions[i]) / r.prompts.size();
      }
      const double score_seconds = std::chrono::duration<double>(Clock::now() - t0).count();

      t0 = Clock::now();
      loss_settings.beta = kl_in_reward ? 0.0 : kl->beta();
      rl::PolicyLossOutput last;
      double grad_norm = 0.0, entropy = 0.0;
      torch::Tensor value_loss;
      const double learning_rate = c.optim.LearningRateAt(step, total_steps);
      SetLearningRate(*optimizer, learning_rate);
      for (int64_t u = 0; u < c.updates_per_batch; ++u) {
        torch::Tensor token_entropy;
        const torch::Tensor logp = models::CompletionLogProbs(policy, r.out, c.temperature,
                                                              u == 0 ? &token_entropy : nullptr);
        if (u == 0) entropy = (token_entropy.sum() / mask.sum().clamp_min(1)).item<double>();
        last = rl::PolicyGradientLoss({logp, r.out.logprobs, advantages, mask,
                                       loss_settings.beta > 0 ? r.ref_logp : torch::Tensor()},
                                      loss_settings);
        torch::Tensor loss = last.loss;
        if (ppo) {
          value_loss = rl::ClippedValueLoss(rl::CompletionValues(critic, r.out), old_values,
                                            returns, mask, c.value_clip);
          loss = loss + c.vf_coef * value_loss;
        }
        models::ClearGradients(*optimizer);
        loss.backward();
        if (c.optim.max_grad_norm > 0) {
          grad_norm = models::ClipGradientNorm(trained, c.optim.max_grad_norm);
        }
        optimizer->step();
      }
      const double train_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      const double mean_kl = sequence_kl.mean().item<double>();
      kl->Update(mean_kl, static_cast<int64_t>(r.prompts.size()));
      MetricList constraint_metrics;
      if (constrained) {
        constraint_metrics = constrained->Metrics(scored);  // the multipliers this batch used
        constrained->Update(scored);
      }
      time_generation += gen_seconds;
      time_scoring += score_seconds;
      time_training += train_seconds;
      rollout_tokens += r.tokens;
      last_reward = stats.reward;

      const int64_t before = step++;
      const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps;
      if (ctx.LogDue(before, step) || step == total_steps || eval_due) {
        MetricList m = {{"reward", stats.reward},
                        {"reward_std", stats.reward_std},
                        {"frac_reward_zero_std", stats.frac_reward_zero_std},
                        {"kl", mean_kl},
                        {"kl_coef", kl->beta()},
                        {"entropy", entropy},
                        {"clip_ratio", last.clip_ratio},
                        {"approx_kl", last.approx_kl},
                        {"grad_norm", grad_norm},
                        {"loss", last.loss.item<double>()},
                        {"learning_rate", learning_rate},
                        {"gold_" + task->MetricName(), gold},
                        {"completion_tokens", static_cast<double>(r.tokens) / r.prompts.size()},
                        {"time_generation", gen_seconds},
                        {"time_scoring", score_seconds},
                        {"time_training", train_seconds},
                        {"rollout_tokens_per_second", r.tokens / std::max(gen_seconds, 1e-9)}};
        if (ppo) m.emplace_back("value_loss", value_loss.item<double>());
        m.insert(m.end(), constraint_metrics.begin(), constraint_metrics.end());
        if (eval_due) evaluate(m);
        ctx.metrics().Log(step, m);
      }
      if (ctx.CheckpointDue(before, step) && step < total_steps) ctx.Checkpoint(state, counters());
      progress.Update(step, fmt::format("reward={:.3f} kl={:.3f}", stats.reward, mean_kl));
    }
    progress.Finish(fmt::format("reward={:.3f}", last_reward));
    MetricList final_metrics;
    const double final_metric = evaluate(final_metrics);
    ctx.metrics().Log(step, final_metrics);
    ctx.Checkpoint(state, counters());
    const fs::path model_dir = ctx.dir().path() / "model";
    models::SaveLanguageModel(lm, model_dir);
    spdlog::info("model written to {}", model_dir.string());

    nlohmann::json summary;
    for (const auto& [name, value] : final_metrics) summary[name] = value;
    summary[task->MetricName()] = final_metric;
    summary[task->MetricName() + "_start"] = start_metric;
    summary["kl"] = summary["eval_kl"];
    summary["reward"] = last_reward;
    summary["algo"] = c.algo;
    summary["task"] = task->Describe();
    summary["steps"] = step;
    summary["model_dir"] = model_dir.string();
    const double busy = time_generation + time_scoring + time_training;
    if (busy > 0) {
      summary["time_generation_share"] = time_generation / busy;
      summary["time_scoring_share"] = time_scoring / busy;
      summary["time_training_share"] = time_training / busy;
      summary["seconds_per_step"] = busy / std::max<int64_t>(step - first_step, 1);
      summary["rollout_tokens_per_second"] = rollout_tokens / std::max(time_generation, 1e-9);
    }
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry LmRlEntry() {
  return {"rl", "online RL of a language model from rewards of its samples (GRPO family)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<LmRl>(); }};
}

}  // namespace rlab::pipeline
