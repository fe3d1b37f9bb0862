// The trainer of `rlab rl`: online RL of a language model from rewards of its own samples, the
// group-based family (GRPO and its descendants) and PPO with a critic, per the algorithm
// registry (rl/lm_rl_algorithm.h). Each Iterate() is one rollout batch and its updates:
//   1. `prompts_per_step` prompts from the task's train split, `group_size` completions each
//      (KV-cached generation at the options' temperature), rows grouped by prompt;
//   2. rewards from the reward source (reward/signal/text_reward_source.h), combined by Lagrange
//      multipliers where constraints are given, and processed by the reward transform (with
//      the reference policy's sample of each prompt as r_ref where the transform needs one);
//   3. the KL to the frozen reference, in the loss (GRPO) or in the reward (PPO-style RLHF),
//      with a fixed or adaptive coefficient (reward/signal/kl_controller.h);
//   4. advantages: the algorithm's group estimator (rl/group_advantages.h), or for a critic
//      GAE over per-token rewards (rl/lm_ppo.h); with a `process_reward` source
//      (reward/signal/process_reward_source.h), its step rewards and the outcome advantages
//      become token advantages [N, T] by the `credit` scheme (rl/step_credit.h), and a source
//      that learns (PRIME) learns from the batch's outcome rewards right after scoring it;
//   5. `updates_per_batch` optimiser steps on the clipped token-level loss
//      (rl/policy_gradient_loss.h), plus the critic's clipped value loss for PPO.
// Every random draw comes from a generator seeded from `seed` and the step, so the batch of a
// step does not depend on the steps before it. The trainer reads and writes no files and logs
// nothing; the pipeline logs the metrics Iterate returns and checkpoints the state AddState
// registers together with Counters().
#pragma once

#include <torch/optim/adamw.h>
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rlab/core/checkpoint.h"
#include "rlab/core/metrics.h"
#include "rlab/text/text_task.h"
#include "rlab/models/generation/generate.h"
#include "rlab/text/tokenizer/tokenizer.h"
#include "rlab/models/transformer/sequence_reward_model.h"
#include "rlab/models/transformer/transformer.h"
#include "rlab/reward/signal/constrained_sources.h"
#include "rlab/reward/signal/kl_controller.h"
#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/reward/signal/reward_transforms.h"
#include "rlab/reward/signal/text_reward_source.h"
#include "rlab/rl/group_advantages.h"
#include "rlab/rl/lm_policy_gradient_options.h"
#include "rlab/rl/lm_rl_algorithm.h"
#include "rlab/rl/policy_gradient_loss.h"
#include "rlab/rl/prompt_groups.h"
#include "rlab/rl/step_credit.h"

namespace rlab::rl {

// What the trainer works on; the pointees outlive it.
struct LmPolicyGradientModels {
  models::Transformer policy{nullptr};     // trained in place
  models::Transformer reference{nullptr};  // frozen: the KL's other end and r_ref's sampler
  const data::TextTask* task = nullptr;    // prompts (train split) and the gold metric
  const models::Tokenizer* tokenizer = nullptr;
  const reward::TextRewardSource* rewards = nullptr;
};

// How the trained parameters are optimised: the pipeline's optimiser settings.
struct LmPolicyGradientOptimisation {
  int64_t prompts_per_step = 16;
  double max_grad_norm = 1.0;  // 0: no clipping
  // The optimiser over the trained parameters (the policy's, then the critic's).
  std::function<std::unique_ptr<torch::optim::AdamW>(const std::vector<torch::Tensor>&)> build;
  // Sets the learning rate of `step` (0-based) on the optimiser and returns it.
  std::function<double(torch::optim::AdamW&, int64_t step)> schedule;
};

// One Iterate(): the metric line and the figures a progress display shows.
struct LmPolicyGradientIteration {
  MetricList metrics;  // reward, reward_std, ..., in the order the run logs them
  double reward = 0;   // the batch's mean reward before any transform or KL term
  double kl = 0;       // the batch's mean sequence KL to the reference
};

// Seconds and tokens summed over the iterations of this trainer object.
struct LmPolicyGradientTimings {
  double generation = 0, scoring = 0, training = 0;
  int64_t rollout_tokens = 0;
  int64_t iterations = 0;
};

class LmPolicyGradientTrainer {
 public:
  // `generation`: the task's limits and stop tokens (see RolloutGeneration of the options).
  LmPolicyGradientTrainer(const LmPolicyGradientOptions& options, LmPolicyGradientModels models,
                          LmPolicyGradientOptimisation optimisation,
                          models::GenerationOptions generation, uint64_t seed);

  LmPolicyGradientIteration Iterate();

  // The policy ("model"), the critic ("critic", PPO), the optimiser ("optimizer") and what a
  // learning process reward source keeps (its AddState).
  void AddState(CheckpointState& state) const;
  // step, kl_beta and (with constraints) multipliers; RestoreCounters takes them back.
  nlohmann::json Counters() const;
  void RestoreCounters(const nlohmann::json& counters);

  int64_t step() const { return step_; }
  const LmRlAlgorithm& algorithm() const { return *algorithm_; }
  const LmPolicyGradientTimings& timings() const { return timings_; }
  // "transform ...; advantage ...; KL ... in the loss|reward[; process ...; credit ...]".
  std::string Describe() const;

 private:
  struct Scored;
  PromptGroups RollOut(models::Transformer model, int64_t group) const;
  Scored Score(const PromptGroups& rollouts);

  LmPolicyGradientOptions options_;
  LmPolicyGradientModels models_;
  LmPolicyGradientOptimisation optimisation_;
  models::GenerationOptions generation_;
  uint64_t seed_;
  std::unique_ptr<LmRlAlgorithm> algorithm_;
  std::unique_ptr<GroupAdvantage> advantage_;
  std::unique_ptr<reward::RewardTransform> transform_;
  std::unique_ptr<reward::KlController> kl_;
  std::optional<reward::ConstrainedSources> constrained_;
  std::unique_ptr<reward::ProcessRewardSource> process_;  // null: outcome rewards only
  std::unique_ptr<StepCredit> credit_;                    // with process_
  PolicyLossSettings loss_settings_;
  models::SequenceRewardModel critic_{nullptr};
  std::vector<torch::Tensor> trained_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  int64_t step_ = 0;
  LmPolicyGradientTimings timings_;
};

}  // namespace rlab::rl
