#include "rlab/reward/model/feature_reward_trainer.h"

#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/reward/model/bradley_terry_loss.h"

namespace rlab::reward {

void FeatureRewardTrainerOptions::Validate() const {
  RLAB_CHECK(steps >= 1, "steps must be >= 1, got {}", steps);
  RLAB_CHECK(batch_size >= 1, "batch_size must be >= 1, got {}", batch_size);
  RLAB_CHECK(lr > 0 && std::isfinite(lr), "lr must be > 0 and finite, got {}", lr);
  RLAB_CHECK(weight_decay >= 0 && std::isfinite(weight_decay),
             "weight_decay must be >= 0 and finite, got {}", weight_decay);
}

FeatureRewardTrainer::FeatureRewardTrainer(models::Mlp model,
                                           const FeatureRewardTrainerOptions& options,
                                           uint64_t batch_seed)
    : model_(std::move(model)),
      options_(options),
      optimizer_(std::make_unique<torch::optim::Adam>(
          model_->parameters(),
          torch::optim::AdamOptions(options.lr).weight_decay(options.weight_decay))),
      batches_(batch_seed) {
  options_.Validate();
}

FeatureRewardTrainer::~FeatureRewardTrainer() = default;

FeatureRewardStep FeatureRewardTrainer::Step(const FeaturePairs& pairs) {
  const int64_t count = pairs.a.size(0);
  RLAB_CHECK(count >= 1, "a reward-model step needs at least one labelled pair");
  std::vector<int64_t> picks(options_.batch_size);
  for (auto& i : picks) i = batches_.UniformInt(count);
  const torch::Tensor idx = torch::tensor(picks, torch::kLong);                           // [B]
  const torch::Tensor xa = pairs.features.index_select(0, pairs.a.index_select(0, idx));  // [B, D]
  const torch::Tensor xb = pairs.features.index_select(0, pairs.b.index_select(0, idx));  // [B, D]
  const torch::Tensor y = pairs.prefers_a.index_select(0, idx);                           // [B]
  const torch::Tensor ra = model_->forward(xa).squeeze(-1);                               // [B]
  const torch::Tensor rb = model_->forward(xb).squeeze(-1);                               // [B]
  const torch::Tensor loss = BradleyTerryLoss(ra, rb, y);
  optimizer_->zero_grad();
  loss.backward();
  optimizer_->step();
  ++step_;
  FeatureRewardStep step{loss.item<double>(), ra.detach(), rb.detach(), y};
  RLAB_CHECK(std::isfinite(step.loss),
             "the Bradley-Terry loss became {} at step {}; lower lr (now {})", step.loss, step_,
             options_.lr);
  return step;
}

torch::Tensor FeatureRewardTrainer::Rewards(const torch::Tensor& features) {
  torch::NoGradGuard no_grad;
  return model_->forward(features).squeeze(-1);
}

void FeatureRewardTrainer::AddTo(CheckpointState& state) {
  state.AddModule("reward_model", model_.ptr());
  state.AddOptimizer("adam", optimizer_.get());
  state.AddRng("batches", &batches_);
}

}  // namespace rlab::reward
