// The trainer of `rlab online-po`: online preference optimisation of a language model from a
// judge's comparisons of its own samples. Each Iterate() is one batch and its updates:
//   1. `prompts_per_step` prompts from the task's train split, `group_size` completions each
//      from the policy (KV-cached generation at `temperature`; rl/prompt_groups.h, the rollout
//      code rl's trainer shares), rows grouped by prompt;
//   2. the samples' summed completion log-probs under the reference (and, at the first update,
//      under the policy: their detached values are the sampling policy's, pi_t);
//   3. the judge's [P, G, G] preferences among each prompt's samples, its scores where it has
//      them, and, when the objective asks (OnlineNeeds), opponent samples judged against them:
//      "reference" samples the reference, "mixture" the geometric mixture of policy and
//      reference (models/generation/mixture_generate.h);
//   4. `updates_per_batch` AdamW steps on the objective's loss (prefopt/online_objective.h).
// With `ref_update_every` K > 0, every K steps the reference becomes a copy of the policy (the
// iterative schedule of online DPO and DNO). Every random draw comes from a generator seeded
// from the seed, the step and a stream name, so a step's batch does not depend on the steps
// before it. The trainer reads and writes no files; the pipeline logs the metrics Iterate
// returns and checkpoints the state AddState registers together with Counters().
#pragma once

#include <torch/optim/adamw.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "rlab/core/checkpoint.h"
#include "rlab/core/metrics.h"
#include "rlab/core/time_split.h"
#include "rlab/models/generation/generate.h"
#include "rlab/models/optim/lm_optim.h"
#include "rlab/models/transformer/transformer.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/reward/signal/preference_judge.h"
#include "rlab/rl/prompt_groups.h"
#include "rlab/text/text_task.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::prefopt {

// The keys of the trainer; the pipeline inlines them at the top level of its config.
struct OnlinePreferenceOptions {
  std::string objective = "online_dpo";
  std::string judge = "gold";
  int64_t group_size = 4;
  int64_t prompts_per_step = 8;
  int64_t updates_per_batch = 1;
  rl::RolloutSampling sampling;  // its keys sit at the top level: temperature, max_new_tokens
  int64_t ref_update_every = 0;

  template <class V>
  void Fields(V& v) {
    v("objective", objective,
      "online objective: online_dpo, west_of_n, ... (see online_objective.h), "
      "with options, e.g. online_dpo(loss=ipo, beta=0.5)");
    v("judge", judge, "preference judge: gold (the task's) or model(path=DIR) (train-rm output)");
    v("group_size", group_size, "completions sampled per prompt (G)");
    v("prompts_per_step", prompts_per_step, "prompts per step (P)");
    v("updates_per_batch", updates_per_batch, "optimiser steps on each batch of samples");
    sampling.Fields(v);
    v("ref_update_every", ref_update_every,
      "every K steps the reference becomes a copy of the policy (0 = never)");
  }
  void Validate() const;  // the ranges, the objective and group_size >= its min_group
  // The task's generation options at `temperature`, with `max_new_tokens` where given.
  models::GenerationOptions SampleGeneration(models::GenerationOptions task_defaults) const;
};

// What the trainer works on; the pointees outlive it.
struct OnlinePreferenceModels {
  models::Transformer policy{nullptr};     // trained in place
  models::Transformer reference{nullptr};  // frozen between ref_update_every copies
  const data::TextTask* task = nullptr;    // prompts (train split)
  const models::Tokenizer* tokenizer = nullptr;
  reward::PreferenceJudge* judge = nullptr;
};

class OnlinePreferenceTrainer {
 public:
  // `generation`: the task's generation options (SampleGeneration applies the options').
  OnlinePreferenceTrainer(const OnlinePreferenceOptions& options, OnlinePreferenceModels models,
                          const models::LmOptim& optim, models::GenerationOptions generation,
                          uint64_t seed);

  // One batch and its updates: the objective's figures, then loss, grad_norm, learning_rate,
  // the judge's, kl, gold_<metric>, completion_tokens and timings.
  MetricList Iterate();

  // The policy ("model"), the optimiser ("optimizer") and, with ref_update_every, the
  // reference ("reference").
  void AddState(CheckpointState& state) const;
  nlohmann::json Counters() const;  // step and the step of the last reference copy
  void RestoreCounters(const nlohmann::json& counters);

  int64_t step() const { return step_; }
  const OnlineObjective& objective() const { return *objective_; }
  // Seconds of this trainer object's iterations: generation, scoring (the reference's
  // log-probs and the judge), training.
  const TimeSplit& timings() const { return timings_; }
  int64_t iterations() const { return iterations_; }

 private:
  // The opponents' samples of the step's prompts, `Needs().opponents_per_prompt` each.
  rl::PromptGroups SampleOpponents(const OnlineNeeds& needs) const;
  void CopyPolicyToReference();

  OnlinePreferenceOptions options_;
  OnlinePreferenceModels models_;
  models::LmOptim optim_;
  models::GenerationOptions generation_;
  uint64_t seed_;
  std::unique_ptr<OnlineObjective> objective_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  int64_t step_ = 0;
  int64_t reference_copied_at_ = 0;  // the step whose policy the reference is (0: the start)
  TimeSplit timings_;
  int64_t iterations_ = 0;
};

}  // namespace rlab::prefopt
