#include "rlab/reward/model/process_reward_trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/models/optim/finite_step.h"
#include "rlab/models/optim/fused_adamw.h"

namespace rlab::reward {

namespace {

constexpr const char* kStepSupervision = "step";
constexpr const char* kOutcomeSupervision = "outcome";

}  // namespace

PrmTrainerOptions::PrmTrainerOptions() {
  optim.steps = 300;
  optim.batch_size = 32;
  optim.learning_rate = 1e-3;
  optim.warmup_ratio = 0.05;
}

void PrmTrainerOptions::Validate() const {
  optim.Validate();
  RLAB_CHECK(supervision == kStepSupervision || supervision == kOutcomeSupervision,
             "supervision must be step or outcome, got '{}'", supervision);
}

bool PrmTrainerOptions::outcome() const { return supervision == kOutcomeSupervision; }

ProcessRewardTrainer::ProcessRewardTrainer(const PrmTrainerOptions& options,
                                           models::SequenceRewardModel model,
                                           std::vector<StepExample> train, int64_t pad_id,
                                           uint64_t seed)
    : options_(options), model_(std::move(model)), pad_id_(pad_id), seed_(seed) {
  options_.Validate();
  RLAB_CHECK(model_->num_labels() == 1, "a process reward model has one output; this model has {}",
             model_->num_labels());
  for (StepExample& e : train) {
    RLAB_CHECK(e.labels.size() == e.step_tokens.size(),
               "a process-reward training example needs a label per step ({} steps, {} labels)",
               e.step_tokens.size(), e.labels.size());
    if (e.step_tokens.empty()) continue;  // nothing to learn from a completion without steps
    train_.push_back(options_.outcome() ? OutcomeOnly(e) : std::move(e));
  }
  RLAB_CHECK(!train_.empty(), "a process-reward trainer needs a training example with steps");
  total_steps_ = options_.optim.TotalSteps(static_cast<int64_t>(train_.size()));
  model_->train();
  optimizer_ = models::MakeAdamW(model_->parameters(), options_.optim);
  cursor_.emplace(AllIndices(static_cast<int64_t>(train_.size())), DeriveSeed(seed_, "order"));
}

ProcessRewardTrainer::~ProcessRewardTrainer() = default;

PrmStepStats ProcessRewardTrainer::Step() {
  RLAB_CHECK(!done(), "the process reward model has taken its {} steps", total_steps_);
  const models::LmOptim& o = options_.optim;
  PrmStepStats stats;
  stats.learning_rate = o.LearningRateAt(step_, total_steps_);
  models::SetLearningRate(*optimizer_, stats.learning_rate);
  models::ClearGradients(*optimizer_);
  std::vector<StepBatch> micro;
  for (int64_t a = 0; a < o.grad_accum; ++a) {
    micro.push_back(CollateSteps(train_, cursor_->Next(o.batch_size), pad_id_));
    stats.steps += micro.back().labels.size(0);
  }
  epoch_ = cursor_->epoch();
  position_ = cursor_->position();
  double right = 0.0;
  for (const StepBatch& b : micro) {
    const torch::Tensor logits = StepLogits(model_, b);  // [S]
    // Each micro-batch weighs by its share of the step's labelled steps.
    const double share = static_cast<double>(b.labels.size(0)) / static_cast<double>(stats.steps);
    const torch::Tensor loss = torch::binary_cross_entropy_with_logits(logits, b.labels);
    (loss * share).backward();
    stats.loss += loss.item<double>() * share;
    right += ((logits.detach() > 0) == (b.labels > 0.5)).sum().item<double>();
    stats.tokens += b.Tokens();
  }
  stats.step_accuracy = right / static_cast<double>(stats.steps);
  if (o.max_grad_norm > 0) {
    stats.grad_norm = models::ClipGradientNorm(model_->parameters(), o.max_grad_norm);
  }
  models::CheckFiniteStep(stats.loss, stats.grad_norm, step_ + 1,
                          fmt::format("optim.learning_rate (now {})", o.learning_rate));
  optimizer_->step();
  ++step_;
  return stats;
}

CheckpointState ProcessRewardTrainer::State() {
  CheckpointState state;
  state.AddModule("model", model_.ptr());
  state.AddOptimizer("optimizer", optimizer_.get());
  return state;
}

nlohmann::json ProcessRewardTrainer::Counters() const {
  return nlohmann::json{{"step", step_}, {"epoch", epoch_}, {"position", position_}};
}

void ProcessRewardTrainer::Restore(const nlohmann::json& counters) {
  step_ = counters.at("step");
  epoch_ = counters.at("epoch");
  position_ = counters.at("position");
  cursor_.emplace(AllIndices(static_cast<int64_t>(train_.size())), DeriveSeed(seed_, "order"),
                  epoch_, position_);
}

}  // namespace rlab::reward
