#include "rlab/prefopt/preference_trainer.h"

#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/checkpoint.h"
#include "rlab/core/metric_window.h"
#include "rlab/models/optim/finite_step.h"
#include "rlab/models/optim/fused_adamw.h"
#include "rlab/prefopt/sequence_logps.h"

namespace rlab::prefopt {

PreferenceTrainerOptions::PreferenceTrainerOptions() {
  optim.steps = 500;
  optim.batch_size = 16;
  optim.learning_rate = 5e-5;
  optim.warmup_ratio = 0.1;
}

void PreferenceTrainerOptions::Validate() const {
  objective.Validate();
  optim.Validate();
}

PreferenceTrainer::PreferenceTrainer(const PreferenceTrainerOptions& options,
                                     models::Transformer policy,
                                     std::shared_ptr<const PolicyObjective> objective, int64_t pad,
                                     int64_t total_steps)
    : options_(options),
      policy_(std::move(policy)),
      objective_(std::move(objective)),
      pad_(pad),
      total_steps_(total_steps) {
  RLAB_CHECK(objective_ != nullptr, "a preference trainer needs an objective");
  policy_->train();
  optimizer_ = models::MakeAdamW(policy_->parameters(), options_.optim);
}

PreferenceTrainer::Scored PreferenceTrainer::Score(const PreferenceData& data,
                                                   const std::vector<int64_t>& unit_indices) {
  std::vector<const PolicyUnit*> units;
  std::vector<int64_t> rows;  // the units' sequences, unit after unit
  for (int64_t i : unit_indices) {
    const PolicyUnit& u = data.set.units[i];
    units.push_back(&u);
    rows.insert(rows.end(), u.sequences.begin(), u.sequences.end());
  }
  int64_t tokens = 0;
  for (int64_t r : rows) tokens += static_cast<int64_t>(data.set.sequences[r].ids.size());
  const BatchLogps logps = SequenceLogps(policy_, data.set.sequences, rows, pad_);
  const torch::Tensor ref_rows =  // [rows]
      data.ref_logps.index_select(0, torch::tensor(rows, torch::kInt64)).to(torch::kFloat32);
  return {objective_->Loss(units, {logps.logps, ref_rows, logps.tokens, logps.logit_sums}),
          logps.padded_tokens, tokens};
}

PreferenceStep PreferenceTrainer::Step(const PreferenceData& data,
                                       const std::vector<std::vector<int64_t>>& micro_batches) {
  PreferenceStep s;
  s.learning_rate = options_.optim.LearningRateAt(step_, total_steps_);
  models::SetLearningRate(*optimizer_, s.learning_rate);
  models::ClearGradients(*optimizer_);
  const auto accumulated = static_cast<double>(micro_batches.size());
  for (const std::vector<int64_t>& unit_indices : micro_batches) {
    Scored scored = Score(data, unit_indices);
    (scored.result.loss / accumulated).backward();
    s.loss += scored.result.loss.item<double>() / accumulated;
    s.micro_batches.push_back(std::move(scored.result.metrics));
    s.padded_tokens += scored.padded_tokens;
    s.tokens += scored.tokens;
    s.units += static_cast<int64_t>(unit_indices.size());
  }
  if (options_.optim.max_grad_norm > 0) {
    s.grad_norm = models::ClipGradientNorm(policy_->parameters(), options_.optim.max_grad_norm);
  }
  models::CheckFiniteStep(s.loss, s.grad_norm, step_ + 1,
                          fmt::format("optim.learning_rate (now {}) or beta (now {})",
                                      options_.optim.learning_rate, options_.objective.beta));
  optimizer_->step();
  ++step_;
  return s;
}

MetricList PreferenceTrainer::Evaluate(const PreferenceData& data, int64_t batch_size) {
  torch::NoGradGuard no_grad;
  MetricWindow held_out;
  const auto units = static_cast<int64_t>(data.set.units.size());
  for (int64_t first = 0; first < units; first += batch_size) {
    std::vector<int64_t> idx;
    for (int64_t i = first; i < std::min(first + batch_size, units); ++i) idx.push_back(i);
    PolicyLossResult r = Score(data, idx).result;
    r.metrics.emplace_back("loss", r.loss.item<double>());
    held_out.Add(r.metrics, static_cast<double>(idx.size()));
  }
  MetricList figures;
  held_out.AppendTo(figures, "");
  return figures;
}

void PreferenceTrainer::AddTo(CheckpointState& state) {
  state.AddModule("model", policy_.ptr());
  state.AddOptimizer("optimizer", optimizer_.get());
  objective_->AddStateTo(state);
}

}  // namespace rlab::prefopt
