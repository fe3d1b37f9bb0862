// Preference optimisation of a language model as a trainer: the DPO family, KTO and PRO, all
// through one PolicyObjective (policy_objective.h). A step gathers the sequences of each
// micro-batch's units into one right-padded batch, scores them with the policy in one forward
// pass (summed completion log-probs, sequence_logps.h), hands them with the reference's
// log-probs to the objective, and takes one AdamW step (models/optim/lm_optim.h) on the mean of the
// micro-batches' losses. The reference enters only through its log-probs, computed once per
// sequence by the caller (zeros for reference-free objectives), so the trainer holds no second
// model. It reads no files and logs nothing: pipeline/lm/dpo.h does those.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rlab/core/metrics.h"
#include "rlab/models/optim/lm_optim.h"
#include "rlab/models/transformer/transformer.h"
#include "rlab/prefopt/policy_objective.h"
#include "rlab/prefopt/policy_units.h"

namespace rlab {
class CheckpointState;
}

namespace rlab::prefopt {

struct PreferenceTrainerOptions {
  PolicyObjectiveOptions objective;
  models::LmOptim optim;

  PreferenceTrainerOptions();  // preference-optimisation defaults for optim
  template <class V>
  void Fields(V& v) {
    objective.Fields(v);
    v("optim", optim, "optimiser and schedule (batch_size counts pairs / units)");
  }
  void Validate() const;
};

// A training or held-out set with the reference's log-probs of its sequences.
struct PreferenceData {
  PolicyTrainingSet set;
  torch::Tensor ref_logps;  // [S] float64; zeros when the objective needs no reference
};

struct PreferenceStep {
  std::vector<MetricList> micro_batches;  // the objective's figures, one list per micro-batch
  double loss = 0.0;                      // mean over the micro-batches
  double grad_norm = 0.0;                 // before clipping; 0 when clipping is off
  double learning_rate = 0.0;
  int64_t units = 0;          // units trained on
  int64_t padded_tokens = 0;  // token slots of the policy's batches, padding included
  int64_t tokens = 0;         // the batches' real tokens (prompts and completions, no padding)
};

class PreferenceTrainer {
 public:
  // Trains `policy` in place on `objective`; `pad` is the id after each row's end,
  // `total_steps` sizes the learning-rate schedule.
  PreferenceTrainer(const PreferenceTrainerOptions& options, models::Transformer policy,
                    std::shared_ptr<const PolicyObjective> objective, int64_t pad,
                    int64_t total_steps);

  // One optimiser step; each micro-batch lists indices into data.set.units.
  PreferenceStep Step(const PreferenceData& data,
                      const std::vector<std::vector<int64_t>>& micro_batches);
  // The objective's figures and "loss" on every unit of `data`, in batches of `batch_size`
  // units, means weighted by batch size; no gradients. The caller chooses the policy's mode
  // (eval for held-out figures).
  MetricList Evaluate(const PreferenceData& data, int64_t batch_size);

  // The policy and the optimiser, under the names "model" and "optimizer".
  void AddTo(CheckpointState& state);
  int64_t step() const { return step_; }
  void Resume(int64_t step) { step_ = step; }

 private:
  struct Scored {
    PolicyLossResult result;
    int64_t padded_tokens;
    int64_t tokens;
  };
  Scored Score(const PreferenceData& data, const std::vector<int64_t>& unit_indices);

  PreferenceTrainerOptions options_;
  models::Transformer policy_;
  std::shared_ptr<const PolicyObjective> objective_;
  int64_t pad_;
  int64_t total_steps_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  int64_t step_ = 0;
};

}  // namespace rlab::prefopt
