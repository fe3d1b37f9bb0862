#include "rlab/rl/lm_policy_gradient_trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>

#include "rlab/core/check.h"
#include "rlab/models/optim/finite_step.h"
#include "rlab/models/optim/fused_adamw.h"
#include "rlab/models/generation/completion_logprobs.h"
#include "rlab/reward/signal/kl_estimators.h"
#include "rlab/rl/lm_ppo.h"
#include "rlab/rl/process_reward_metrics.h"

namespace rlab::rl {

namespace {

using RolloutClock = std::chrono::steady_clock;

double RolloutSecondsSince(RolloutClock::time_point t0) {
  return std::chrono::duration<double>(RolloutClock::now() - t0).count();
}

}  // namespace

// A batch scored: rewards, the KL to the reference and the advantages.
struct LmPolicyGradientTrainer::Scored {
  torch::Tensor mask;      // [B, N] float, 1 on completion tokens
  torch::Tensor ref_logp;  // [B, N] under the reference
  reward::TextRewards rewards;
  torch::Tensor sequence_kl;  // [B]
  torch::Tensor advantages;   // [B], or [B, N] with a critic
  torch::Tensor old_values;   // [B, N] with a critic
  torch::Tensor returns;      // [B, N] with a critic
  GroupRewardStats stats;
  double gold = 0.0;  // the task's own metric, whatever the training reward is
  MetricList process_metrics;  // with a process reward source: its figures, then Learn's
};

LmPolicyGradientTrainer::LmPolicyGradientTrainer(const LmPolicyGradientOptions& options,
                                                 LmPolicyGradientModels models,
                                                 LmPolicyGradientOptimisation optimisation,
                                                 models::GenerationOptions generation,
                                                 uint64_t seed)
    : options_(options),
      models_(std::move(models)),
      optimisation_(std::move(optimisation)),
      generation_(options.RolloutGeneration(std::move(generation))),
      seed_(seed) {
  RLAB_CHECK(
      models_.policy && models_.reference && models_.task && models_.tokenizer && models_.rewards,
      "the rl trainer needs a policy, a reference, a task, a tokenizer and rewards");
  RLAB_CHECK(optimisation_.build && optimisation_.schedule && optimisation_.prompts_per_step >= 1,
             "the rl trainer needs an optimiser, a schedule and prompts_per_step >= 1");
  options_.Validate();
  algorithm_ = MakeLmRlAlgorithm(options_.algo);
  advantage_ = MakeGroupAdvantage(options_.AdvantageSpec(*algorithm_));
  transform_ = reward::MakeRewardTransform(options_.reward_transform);
  kl_ = reward::MakeKlController(options_.kl_controller);
  if (!options_.constraints.empty()) {
    constrained_.emplace(
        options_.constraints, options_.reward_weights,
        reward::LagrangeSettings{options_.lagrange_lr, 0.0, options_.max_multiplier});
  }
  if (!options_.process_reward.empty()) {
    process_ = reward::MakeProcessRewardSource(
        options_.process_reward,
        {models_.task, models_.tokenizer, models_.reference, options_.sampling.temperature, seed_});
    credit_ = MakeStepCredit(options_.credit);
  }
  loss_settings_.epsilon_low = options_.epsilon_low;
  loss_settings_.epsilon_high = options_.EpsilonHigh(*algorithm_);
  loss_settings_.kl_estimator = options_.Estimator();
  loss_settings_.aggregation = options_.AggregationSpec(*algorithm_);
  loss_settings_.max_completion_length = generation_.max_new_tokens;

  // PPO's critic: a value head on a copy of the starting policy, trained with it by one
  // optimiser (as TRL wraps policy and value model together).
  trained_ = models_.policy->parameters();
  if (algorithm_->trains_critic) {
    critic_ = models::RewardModelFromLanguageModel(models_.policy, 1);
    for (const auto& p : critic_->parameters()) trained_.push_back(p);
  }
  optimizer_ = optimisation_.build(trained_);
}

std::string LmPolicyGradientTrainer::Describe() const {
  std::string text =
      fmt::format("transform {}; advantage {}; KL {} in the {}", transform_->Describe(),
                  advantage_->Describe(), kl_->Describe(), options_.kl_penalty);
  if (process_) {
    text += fmt::format("; process {}; credit {}", process_->Describe(), credit_->Describe());
  }
  return text;
}

void LmPolicyGradientTrainer::AddState(CheckpointState& state) const {
  state.AddModule("model", models_.policy.ptr());
  if (critic_) state.AddModule("critic", critic_.ptr());
  state.AddOptimizer("optimizer", optimizer_.get());
  if (process_) process_->AddState(state);
}

nlohmann::json LmPolicyGradientTrainer::Counters() const {
  nlohmann::json j{{"step", step_}, {"kl_beta", kl_->beta()}};
  if (constrained_) j["multipliers"] = constrained_->multipliers();
  return j;
}

void LmPolicyGradientTrainer::RestoreCounters(const nlohmann::json& counters) {
  step_ = counters.at("step").get<int64_t>();
  kl_->Restore(counters.at("kl_beta").get<double>());
  if (constrained_) constrained_->Restore(counters.at("multipliers").get<std::vector<double>>());
}

// Draws the step's prompts and samples `group` completions of each from `model`.
PromptGroups LmPolicyGradientTrainer::RollOut(models::Transformer model, int64_t group) const {
  return DrawPromptGroups({models_.task, models_.tokenizer, optimisation_.prompts_per_step, seed_},
                          step_, group, ModelSampler(model, generation_));
}

LmPolicyGradientTrainer::Scored LmPolicyGradientTrainer::Score(const PromptGroups& r) {
  const int64_t G = options_.group_size;
  const bool kl_in_reward = options_.KlInReward();
  Scored s;
  s.mask = r.out.mask.to(torch::kFloat32);
  {
    torch::NoGradGuard no_grad;
    s.ref_logp =
        models::CompletionLogProbs(models_.reference, r.out, options_.sampling.temperature);
  }
  s.rewards = models_.rewards->Score(r.prompts, r.completions, r.answers);
  torch::Tensor r_ref;
  if (transform_->NeedsReference()) {
    // The reference policy's own sample for each prompt (same prompts: same seed).
    PromptGroups base = RollOut(models_.reference, 1);
    r_ref = models_.rewards->Score(base.prompts, base.completions, base.answers)
                .total.repeat_interleave(G);
  }
  torch::Tensor processed =
      (*transform_)(constrained_ ? constrained_->Combine(s.rewards) : s.rewards.total, r_ref);
  const torch::Tensor token_kl =
      reward::PerTokenKl(r.out.logprobs, s.ref_logp, loss_settings_.kl_estimator) * s.mask;
  s.sequence_kl = token_kl.sum(1);
  if (critic_) {
    // The KL penalty per token and the score on the last one; GAE over the tokens.
    torch::NoGradGuard no_grad;
    critic_->eval();
    s.old_values = CompletionValues(critic_, r.out);
    critic_->train();
    const torch::Tensor penalty =
        kl_in_reward && kl_->beta() > 0 ? -kl_->beta() * token_kl : torch::Tensor();
    const TokenGae gae = ComputeTokenGae(TokenRewards(processed, s.mask, penalty), s.old_values,
                                         s.mask, options_.gamma, options_.gae_lambda);
    s.advantages = WhitenMasked(gae.advantages, s.mask);
    s.returns = gae.returns;
  } else {
    if (kl_in_reward && kl_->beta() > 0) processed = processed - kl_->beta() * s.sequence_kl;
    s.advantages = (*advantage_)(processed, G);
    if (process_) {
      // The source scores the batch before it learns from it (PRIME's order).
      const reward::ProcessRewardBatch batch{r.prompts, r.completions, r.out};
      reward::ProcessRewards steps = process_->Score(batch);
      s.process_metrics =
          ProcessRewardMetrics(steps, r.completions, r.answers, models_.task->Steps());
      const MetricList learned = process_->Learn(batch, s.rewards.total);
      s.process_metrics.insert(s.process_metrics.end(), learned.begin(), learned.end());
      s.advantages = (*credit_)(
          {processed, std::move(steps), s.mask, G, s.advantages, r.out.tokens});  // [B, N]
    }
  }
  s.stats = ComputeGroupRewardStats(s.rewards.total, G);
  for (std::size_t i = 0; i < r.prompts.size() && models_.task->HasGoldReward(); ++i) {
    s.gold += models_.task->GoldReward(r.prompts[i], r.completions[i]) / r.prompts.size();
  }
  return s;
}

LmPolicyGradientIteration LmPolicyGradientTrainer::Iterate() {
  RLAB_CHECK(algorithm_->trains, "algo {} does not train; it has no iterations", algorithm_->name);
  models::Transformer& policy = models_.policy;
  auto t0 = RolloutClock::now();
  policy->eval();  // no dropout in sampling
  const PromptGroups r = RollOut(policy, options_.group_size);
  policy->train();
  const double gen_seconds = RolloutSecondsSince(t0);
  t0 = RolloutClock::now();
  const Scored s = Score(r);
  const double score_seconds = RolloutSecondsSince(t0);

  t0 = RolloutClock::now();
  loss_settings_.beta = options_.KlInReward() ? 0.0 : kl_->beta();
  PolicyLossOutput last;
  double grad_norm = 0.0, entropy = 0.0;
  torch::Tensor value_loss;
  const double learning_rate = optimisation_.schedule(*optimizer_, step_);
  for (int64_t u = 0; u < options_.updates_per_batch; ++u) {
    torch::Tensor token_entropy;
    const torch::Tensor logp = models::CompletionLogProbs(
        policy, r.out, options_.sampling.temperature, u == 0 ? &token_entropy : nullptr);
    if (u == 0) entropy = (token_entropy.sum() / s.mask.sum().clamp_min(1)).item<double>();
    last = PolicyGradientLoss({logp, r.out.logprobs, s.advantages, s.mask,
                               loss_settings_.beta > 0 ? s.ref_logp : torch::Tensor()},
                              loss_settings_);
    torch::Tensor loss = last.loss;
    if (critic_) {
      value_loss = ClippedValueLoss(CompletionValues(critic_, r.out), s.old_values, s.returns,
                                    s.mask, options_.value_clip);
      loss = loss + options_.vf_coef * value_loss;
    }
    models::ClearGradients(*optimizer_);
    loss.backward();
    if (optimisation_.max_grad_norm > 0) {
      grad_norm = models::ClipGradientNorm(trained_, optimisation_.max_grad_norm);
    }
    optimizer_->step();
  }
  const double train_seconds = RolloutSecondsSince(t0);
  const double loss_value = last.loss.item<double>();
  models::CheckFiniteStep(
      loss_value, grad_norm, step_ + 1,
      fmt::format("optim.learning_rate (this step's rate is {})", learning_rate));
  const double mean_kl = s.sequence_kl.mean().item<double>();
  kl_->Update(mean_kl, static_cast<int64_t>(r.prompts.size()));
  MetricList constraint_metrics;
  if (constrained_) {
    constraint_metrics = constrained_->Metrics(s.rewards);  // the multipliers this batch used
    constrained_->Update(s.rewards);
  }
  timings_.generation += gen_seconds;
  timings_.scoring += score_seconds;
  timings_.training += train_seconds;
  timings_.rollout_tokens += r.tokens;
  ++timings_.iterations;
  ++step_;

  LmPolicyGradientIteration it{{}, s.stats.reward, mean_kl};
  it.metrics = {{"reward", s.stats.reward},
                {"reward_std", s.stats.reward_std},
                {"frac_reward_zero_std", s.stats.frac_reward_zero_std},
                {"kl", mean_kl},
                {"kl_coef", kl_->beta()},
                {"entropy", entropy},
                {"clip_ratio", last.clip_ratio},
                {"approx_kl", last.approx_kl},
                {"grad_norm", grad_norm},
                {"loss", loss_value},
                {"learning_rate", learning_rate},
                {"gold_" + models_.task->MetricName(), s.gold},
                {"completion_tokens", static_cast<double>(r.tokens) / r.prompts.size()},
                {"time_generation", gen_seconds},
                {"time_scoring", score_seconds},
                {"time_training", train_seconds},
                {"rollout_tokens_per_second", r.tokens / std::max(gen_seconds, 1e-9)}};
  if (!models_.task->HasGoldReward()) {  // a prompt file: no gold metric to log
    std::erase_if(it.metrics, [&](const auto& m) { return m.first.starts_with("gold_"); });
  }
  if (critic_) it.metrics.emplace_back("value_loss", value_loss.item<double>());
  it.metrics.insert(it.metrics.end(), constraint_metrics.begin(), constraint_metrics.end());
  it.metrics.insert(it.metrics.end(), s.process_metrics.begin(), s.process_metrics.end());
  return it;
}

}  // namespace rlab::rl
