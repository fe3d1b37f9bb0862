#include "rlab/prefopt/online_preference_trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <optional>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/models/generation/completion_logprobs.h"
#include "rlab/models/generation/mixture_generate.h"
#include "rlab/models/optim/finite_step.h"
#include "rlab/models/optim/fused_adamw.h"

namespace rlab::prefopt {

namespace {

// The sampler of Nash-MD's opponent: the token-level geometric mixture of policy and reference.
rl::GroupSampler MixtureSampler(models::Transformer policy, models::Transformer reference,
                                double alpha, const models::GenerationOptions& options) {
  return [policy, reference, alpha, options](const std::vector<std::vector<int64_t>>& ids,
                                             at::Generator& generator) mutable {
    return models::GenerateFromMixture(policy, reference, alpha, ids, options, generator);
  };
}

// Per prompt, its G completions: [P][G] from rows grouped by prompt.
reward::CompletionGroups Grouped(const std::vector<std::string>& rows, int64_t group) {
  reward::CompletionGroups groups;
  for (std::size_t b = 0; b < rows.size(); b += group) {
    groups.emplace_back(rows.begin() + b, rows.begin() + b + group);
  }
  return groups;
}

// Each prompt once, from rows grouped by prompt.
std::vector<std::string> PromptsOf(const rl::PromptGroups& r, int64_t group) {
  std::vector<std::string> prompts;
  for (std::size_t b = 0; b < r.prompts.size(); b += group) prompts.push_back(r.prompts[b]);
  return prompts;
}

}  // namespace

void OnlinePreferenceOptions::Validate() const {
  RLAB_CHECK(prompts_per_step >= 1 && updates_per_batch >= 1,
             "prompts_per_step and updates_per_batch must be >= 1");
  sampling.Validate();
  RLAB_CHECK(ref_update_every >= 0, "ref_update_every must be >= 0");
  // The judge's name and keys (it is made by the run: a model judge loads its directory).
  reward::RegisterPreferenceJudges();
  const Spec judge_spec = Spec::Parse(judge);
  SpecArgs(judge_spec, reward::PreferenceJudges().Get(judge_spec.name).keys,
           reward::PreferenceJudges().kind());
  const OnlineNeeds needs = MakeOnlineObjective(objective)->Needs();
  RLAB_CHECK(group_size >= needs.min_group,
             "group_size must be at least {} for objective {}, got {}", needs.min_group, objective,
             group_size);
  RLAB_CHECK(needs.opponent.empty() || needs.opponent == "reference" || needs.opponent == "mixture",
             "objective {} asks for opponent '{}'; the trainer knows reference and mixture",
             objective, needs.opponent);
  RLAB_CHECK(needs.opponent.empty() || needs.opponents_per_prompt >= 1,
             "objective {}: opponents_per_prompt must be >= 1", objective);
}

models::GenerationOptions OnlinePreferenceOptions::SampleGeneration(
    models::GenerationOptions task_defaults) const {
  return sampling.Generation(std::move(task_defaults));
}

OnlinePreferenceTrainer::OnlinePreferenceTrainer(const OnlinePreferenceOptions& options,
                                                 OnlinePreferenceModels models,
                                                 const models::LmOptim& optim,
                                                 models::GenerationOptions generation,
                                                 uint64_t seed)
    : options_(options),
      models_(std::move(models)),
      optim_(optim),
      generation_(options.SampleGeneration(std::move(generation))),
      seed_(seed) {
  RLAB_CHECK(
      models_.policy && models_.reference && models_.task && models_.tokenizer && models_.judge,
      "the online-po trainer needs a policy, a reference, a task, a tokenizer and a judge");
  options_.Validate();
  optim_.Validate();
  objective_ = MakeOnlineObjective(options_.objective);
  optimizer_ = models::MakeAdamW(models_.policy->parameters(), optim_);
}

void OnlinePreferenceTrainer::AddState(CheckpointState& state) const {
  state.AddModule("model", models_.policy.ptr());
  state.AddOptimizer("optimizer", optimizer_.get());
  if (options_.ref_update_every > 0) state.AddModule("reference", models_.reference.ptr());
}

nlohmann::json OnlinePreferenceTrainer::Counters() const {
  return {{"step", step_}, {"reference_copied_at", reference_copied_at_}};
}

void OnlinePreferenceTrainer::RestoreCounters(const nlohmann::json& counters) {
  step_ = counters.at("step").get<int64_t>();
  reference_copied_at_ = counters.at("reference_copied_at").get<int64_t>();
}

void OnlinePreferenceTrainer::CopyPolicyToReference() {
  torch::NoGradGuard no_grad;
  const auto from = models_.policy->named_parameters();
  for (auto& to : models_.reference->named_parameters()) to.value().copy_(from[to.key()]);
  const auto from_buffers = models_.policy->named_buffers();
  for (auto& to : models_.reference->named_buffers()) to.value().copy_(from_buffers[to.key()]);
  reference_copied_at_ = step_;
}

rl::PromptGroups OnlinePreferenceTrainer::SampleOpponents(const OnlineNeeds& needs) const {
  const rl::PromptGroupDraw draw{models_.task, models_.tokenizer, options_.prompts_per_step, seed_};
  const rl::GroupSampler sample =
      needs.opponent == "mixture"
          ? MixtureSampler(models_.policy, models_.reference, needs.mixture_alpha, generation_)
          : rl::ModelSampler(models_.reference, generation_);
  return rl::DrawPromptGroups(draw, step_, needs.opponents_per_prompt, sample, "opponent");
}

MetricList OnlinePreferenceTrainer::Iterate() {
  const int64_t G = options_.group_size, P = options_.prompts_per_step;
  const OnlineNeeds needs = objective_->Needs();
  models::Transformer& policy = models_.policy;

  TimeSplit step_time;
  std::optional<TimeSplit::Measure> measure;  // each emplace ends the section before
  measure.emplace(step_time, "generation");
  policy->eval();  // no dropout in sampling
  const rl::PromptGroups r = rl::DrawPromptGroups({models_.task, models_.tokenizer, P, seed_},
                                                  step_, G, rl::ModelSampler(policy, generation_));
  std::optional<rl::PromptGroups> opponents;
  if (!needs.opponent.empty()) opponents = SampleOpponents(needs);
  policy->train();

  measure.emplace(step_time, "scoring");
  const torch::Tensor mask = r.out.mask.to(torch::kFloat32);  // [P * G, N]
  OnlineBatch batch;
  batch.tokens = mask.sum(1).view({P, G});  // [P, G]
  {
    torch::NoGradGuard no_grad;
    batch.ref_logps =
        (models::CompletionLogProbs(models_.reference, r.out, options_.sampling.temperature) * mask)
            .sum(1)
            .view({P, G});  // [P, G]
  }
  const std::vector<std::string> prompts = PromptsOf(r, G);
  const reward::CompletionGroups groups = Grouped(r.completions, G);
  batch.preference = models_.judge->CompareWithin(prompts, groups).to(torch::kFloat32);
  if (const auto scores = models_.judge->Scores(prompts, groups)) {
    batch.scores = scores->to(torch::kFloat32);  // [P, G]
  }
  if (opponents) {
    batch.opponent_preference =
        models_.judge
            ->Compare(prompts, groups, Grouped(opponents->completions, needs.opponents_per_prompt))
            .to(torch::kFloat32);  // [P, G, M]
  }

  measure.emplace(step_time, "training");
  const double learning_rate = optim_.LearningRateAt(step_, optim_.steps);
  models::SetLearningRate(*optimizer_, learning_rate);
  OnlineLoss last;
  double grad_norm = 0.0;
  for (int64_t u = 0; u < options_.updates_per_batch; ++u) {
    batch.logps = (models::CompletionLogProbs(policy, r.out, options_.sampling.temperature) * mask)
                      .sum(1)
                      .view({P, G});  // [P, G]
    if (u == 0) batch.old_logps = batch.logps.detach();
    last = objective_->Loss(batch);
    models::ClearGradients(*optimizer_);
    last.loss.backward();
    if (optim_.max_grad_norm > 0) {
      grad_norm = models::ClipGradientNorm(policy->parameters(), optim_.max_grad_norm);
    }
    models::CheckFiniteStep(
        last.loss.item<double>(), grad_norm, step_ + 1,
        fmt::format("optim.learning_rate (this step's rate is {})", learning_rate));
    optimizer_->step();
  }
  measure.reset();

  ++step_;
  if (options_.ref_update_every > 0 && step_ % options_.ref_update_every == 0) {
    CopyPolicyToReference();
  }
  for (const auto& [section, seconds] : step_time.sections()) timings_.Add(section, seconds);
  ++iterations_;

  double gold = 0.0;
  for (std::size_t i = 0; i < r.prompts.size() && models_.task->HasGoldReward(); ++i) {
    gold += models_.task->GoldReward(r.prompts[i], r.completions[i]) / r.prompts.size();
  }
  // A sample's win rate against the rest of its group: the mean over j != i of P(y_i > y_j).
  const torch::Tensor win_rate = (batch.preference.sum(2) - 0.5) / std::max<int64_t>(G - 1, 1);
  MetricList metrics = last.metrics;
  metrics.emplace_back("loss", last.loss.item<double>());
  metrics.emplace_back("grad_norm", grad_norm);
  metrics.emplace_back("learning_rate", learning_rate);
  metrics.emplace_back("judge/best_win_rate", std::get<0>(win_rate.max(1)).mean().item<double>());
  if (batch.scores.defined())
    metrics.emplace_back("judge/score", batch.scores.mean().item<double>());
  if (opponents) {
    metrics.emplace_back("judge/opponent_win_rate",
                         batch.opponent_preference.mean().item<double>());
  }
  metrics.emplace_back("kl", (batch.old_logps - batch.ref_logps).mean().item<double>());
  // A prompt file has no gold reward to log.
  if (models_.task->HasGoldReward()) {
    metrics.emplace_back("gold_" + models_.task->MetricName(), gold);
  }
  metrics.emplace_back("completion_tokens", batch.tokens.mean().item<double>());
  for (const char* section : {"generation", "scoring", "training"}) {
    metrics.emplace_back(fmt::format("time_{}", section), step_time.Seconds(section));
  }
  return metrics;
}

}  // namespace rlab::prefopt
