// Trains a RewardEnsemble on labelled segment pairs with the Bradley-Terry cross-entropy over
// segment returns (the pairwise loss bradley_terry of reward/model/preference_losses.h, the
// preferred
// segment as "chosen"; ties are the soft target 0.5/0.5), as PEBBLE
// does (Lee et al., "PEBBLE: Feedback-Efficient Interactive Reinforcement Learning via
// Relabeling Experience and Unsupervised Pre-training", arXiv:2106.05091; B-Pref's
// train_soft_reward, Lee et al., arXiv:2111.03026):
//
//  - every member trains on its own bootstrap resample of the labelled pairs (N draws with
//    replacement, redrawn at every Train call), the ensemble construction of Christiano et
//    al., "Deep Reinforcement Learning from Human Preferences", arXiv:1706.03741, section
//    2.2.3 (PEBBLE's code shuffles all labels per member instead: bootstrap=false);
//  - an epoch walks each member's resample in a fresh random order in minibatches of
//    batch_size; at each step the members' losses are summed and one Adam step updates all
//    members (PEBBLE: one Adam over the whole ensemble, lr 3e-4, minibatch 128);
//  - training accuracy is counted during the epoch, as PEBBLE does, over the pairs that are
//    not ties; once the members' mean accuracy reaches accuracy_threshold (PEBBLE: 0.97) the
//    call stops, otherwise it runs max_epochs epochs (PEBBLE's reward_update: 50).
//
// Each member draws from its own generator, seeded from (seed, member index), so a member's
// resamples do not depend on how many members there are, and the whole state (parameters,
// Adam moments, generators) is checkpointed by AddTo.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/reward/model/ensemble_reward_model.h"

namespace torch::optim {
class Adam;
}

namespace rlab {
class CheckpointState;
}

namespace rlab::reward {

class PairwiseLoss;

struct RewardTrainerOptions {
  double lr = 3e-4;
  int64_t batch_size = 128;
  int64_t max_epochs = 50;
  double accuracy_threshold = 0.97;  // stop once the mean training accuracy reaches it
  bool bootstrap = true;
  void Validate() const;
};

struct RewardTrainReport {
  int64_t epochs = 0;                   // epochs run by this call
  bool stopped_early = false;           // the accuracy threshold was reached
  double train_accuracy = 0.0;          // members' mean, last epoch
  std::vector<double> member_accuracy;  // [M], last epoch
  double loss = 0.0;  // mean over the last epoch's steps of the members' mean loss
};

class RewardEnsembleTrainer {
 public:
  RewardEnsembleTrainer(RewardEnsemble model, const RewardTrainerOptions& options, uint64_t seed);
  ~RewardEnsembleTrainer();

  RewardTrainReport Train(const PreferencePairs& pairs);
  // The pair indices member m trained on in the last Train call ([N], with repeats when
  // bootstrapping).
  const std::vector<int64_t>& Resample(int64_t m) const { return resamples_.at(m); }
  // The members' mean Bradley-Terry loss on `pairs`, without training.
  double Loss(const PreferencePairs& pairs);

  // Registers the model, the optimiser and the member generators.
  void AddTo(CheckpointState& state, const std::string& name);
  RewardEnsemble model() const { return model_; }

 private:
  RewardEnsemble model_;
  RewardTrainerOptions options_;
  std::unique_ptr<PairwiseLoss> loss_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::vector<Rng> member_rngs_;
  std::vector<std::vector<int64_t>> resamples_;
};

// The pairwise `loss` ([B] -> scalar) of segment returns `first`, `second` ([B]) under B-Pref
// labels ([B]: 0 first preferred, 1 second, 0.5 tie): the preferred one is "chosen".
torch::Tensor PairLoss(const PairwiseLoss& loss, const torch::Tensor& first,
                       const torch::Tensor& second, const torch::Tensor& labels);

}  // namespace rlab::reward
