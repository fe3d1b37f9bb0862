// Fits a reward model over feature vectors (models/mlp.h: linear, or an MLP) to labelled pairs
// of items with the Bradley-Terry loss (bradley_terry_loss.h; Bradley & Terry, Biometrika
// 1952; Christiano et al., "Deep Reinforcement Learning from Human Preferences",
// arXiv:1706.03741) and Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization",
// arXiv:1412.6980). Each Step() draws batch_size pairs with replacement from its own generator,
// so a run restored from State() draws the batches an uninterrupted one would. It writes no
// file and logs nothing.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>

#include "rlab/core/checkpoint.h"
#include "rlab/core/rng.h"
#include "rlab/models/mlp.h"

namespace torch::optim {
class Adam;
}

namespace rlab::reward {

struct FeatureRewardTrainerOptions {
  int64_t steps = 2000;
  int64_t batch_size = 128;
  double lr = 0.01;
  double weight_decay = 0.0;
  template <class V>
  void Fields(V& v) {
    v("steps", steps, "optimiser steps (Adam)");
    v("batch_size", batch_size, "comparisons per step");
    v("lr", lr, "learning rate");
    v("weight_decay", weight_decay, "L2 penalty (Adam weight decay)");
  }
  void Validate() const;
};

// Labelled comparisons between items.
struct FeaturePairs {
  torch::Tensor features;   // [N, D] one row per item
  torch::Tensor a, b;       // [P] int64 item indices
  torch::Tensor prefers_a;  // [P] float: probability that a is preferred (1, 0 or 1/2)
};

// One step's batch as the model scored it before the update, and its loss.
struct FeatureRewardStep {
  double loss = 0.0;
  torch::Tensor reward_a, reward_b;  // [B] detached
  torch::Tensor prefers_a;           // [B]
};

class FeatureRewardTrainer {
 public:
  // `model` maps [N, D] features to [N, 1] rewards; batches are drawn with `batch_seed`.
  FeatureRewardTrainer(models::Mlp model, const FeatureRewardTrainerOptions& options,
                       uint64_t batch_seed);
  ~FeatureRewardTrainer();

  FeatureRewardStep Step(const FeaturePairs& pairs);
  // Scores of the items [N, D] without training: [N].
  torch::Tensor Rewards(const torch::Tensor& features);

  models::Mlp& model() { return model_; }
  int64_t step() const { return step_; }  // steps taken
  // After a checkpoint of AddTo's state was loaded: the steps it had taken.
  void Restore(int64_t step) { step_ = step; }
  // The model ("reward_model"), Adam ("adam") and the batch generator ("batches").
  void AddTo(CheckpointState& state);

 private:
  models::Mlp model_;
  FeatureRewardTrainerOptions options_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  Rng batches_;
  int64_t step_ = 0;
};

}  // namespace rlab::reward
