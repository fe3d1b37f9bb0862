// Trains a reward model for text (models/transformer/sequence_reward_model.h) on tokenized
// preference records, with an objective of rm_objective.h and the AdamW optimiser and schedule
// of models/optim/lm_optim.h; Step() is one optimiser step. TRL's RewardTrainer conventions: every
// response of a record is a row of one forward pass and the head is read where the model's
// pooling says.
//
// Several members make an ensemble or, with ensemble.mode=warm, WARM (Rame et al., "WARM: On
// the Benefits of Weight Averaged Reward Models", arXiv:2401.12187). Members train one after
// the other, each for the whole schedule with a fresh optimiser:
//   ensemble  own initialisation, own data order and (with bootstrap) a bootstrap resample of
//             the training records each, as the reward ensembles of Christiano et al., "Deep
//             Reinforcement Learning from Human Preferences", arXiv:1706.03741; their outputs
//             are kept apart (text_reward_model.h's ensemble directory);
//   warm      one initialisation shared by every member, own data order each; the members'
//             weights are then averaged into one model (AverageWeights).
// lm_coef adds GRM's text regulariser (Yang et al., "Regularizing Hidden States Enables
// Learning Generalizable Reward Model for LLMs", arXiv:2406.10216): the next-token loss of the
// preferred sequences through the backbone's tied output layer (unlike GRM, over the prompt's
// tokens too).
//
// The trainer writes no file and logs nothing: the caller saves each finished member, logs the
// step statistics and checkpoints State() with Counters().
#pragma once

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rlab/core/checkpoint.h"
#include "rlab/core/epoch_cursor.h"
#include "rlab/text/preference_tokens.h"
#include "rlab/models/optim/lm_optim.h"
#include "rlab/models/transformer/sequence_reward_model.h"
#include "rlab/reward/model/rm_batch.h"
#include "rlab/reward/model/rm_objective.h"

namespace torch::optim {
class AdamW;
}

namespace rlab::reward {

struct RmEnsembleOptions {
  int64_t members = 1;
  std::string mode = "ensemble";  // ensemble | warm
  bool bootstrap = true;          // ensemble members train on a bootstrap resample

  template <class V>
  void Fields(V& v) {
    v("members", members, "reward models trained (1 = a single model)");
    v("mode", mode,
      "ensemble: own initialisation and bootstrap per member, outputs kept "
      "apart; warm: one initialisation, members differ in data order, weights "
      "averaged into one model (WARM)");
    v("bootstrap", bootstrap, "ensemble mode: each member trains on a bootstrap resample");
  }
  // WARM: the members share one initialisation and are averaged into one model.
  bool warm() const;
};

struct TextRmTrainerOptions {
  std::string objective = "bradley_terry";
  models::LmOptim optim;
  RmEnsembleOptions ensemble;
  double lm_coef = 0.0;

  TextRmTrainerOptions();  // reward-model defaults for optim
  template <class V>
  void Fields(V& v) {
    v("objective", objective,
      "reward-model objective: bradley_terry, rao_kupper, davidson, "
      "plackett_luce, regression, quantile, gpm (with options)");
    v("optim", optim, "optimiser and schedule (batch_size counts records)");
    v("ensemble", ensemble, "several members: an ensemble or WARM");
    v("lm_coef", lm_coef,
      "weight of a language-modelling loss on the chosen texts through the "
      "backbone's tied output layer (GRM's text regulariser); 0 = off");
  }
  void Validate() const;
};

// What one optimiser step did.
struct RmStepStats {
  double loss = 0.0;           // the objective (plus lm_coef's term), mean over micro-batches
  double ordered = 0.0;        // pairs (ties aside) whose preference logit has the data's sign
  double compared = 0.0;       // pairs that are not ties
  int64_t records = 0;         // records trained on (batch_size x grad_accum)
  int64_t tokens = 0;          // real tokens trained on
  double learning_rate = 0.0;  // the rate of this step
  double grad_norm = 0.0;      // before clipping (0 when clipping is off)
};

class TextRewardModelTrainer {
 public:
  // A fresh member: the starting weights with a head drawn from `init_seed`.
  using MemberFactory = std::function<models::SequenceRewardModel(uint64_t init_seed)>;

  // `train`: the tokenized training records; `pad_id` fills the rows' right ends; the members'
  // initialisation, resamples and data orders derive from `seed`.
  TextRewardModelTrainer(const TextRmTrainerOptions& options, MemberFactory new_member,
                         std::vector<data::PreferenceExample> train, int64_t pad_id, uint64_t seed);
  ~TextRewardModelTrainer();

  int64_t members() const { return options_.ensemble.members; }
  int64_t steps_per_member() const { return steps_per_member_; }
  int64_t member() const { return member_; }                            // the member in training
  int64_t member_step() const { return step_; }                         // its optimiser steps taken
  int64_t step() const { return member_ * steps_per_member_ + step_; }  // over all members
  bool member_done() const { return step_ >= steps_per_member_; }
  bool done() const { return member_ >= members(); }

  // One optimiser step of the current member on its next records (a fresh member gets its
  // initial weights, optimiser and data order first).
  RmStepStats Step();
  // One optimiser step on the given micro-batches (their gradients accumulate).
  RmStepStats Step(const std::vector<RmBatch>& micro_batches);
  // Moves on to the next member once the current one is done (and saved by the caller).
  void NextMember();

  models::SequenceRewardModel& model() { return model_; }  // the member in training
  const RewardModelObjective& objective() const { return *objective_; }

  // The model and its optimiser (libtorch's generator too), for a checkpoint; ask again after
  // NextMember, which replaces the optimiser.
  CheckpointState State();
  // Where training is: "step" (over all members), "member", "member_step", "epoch",
  // "position". Restore takes them back after State() was loaded.
  nlohmann::json Counters() const;
  void Restore(const nlohmann::json& counters);

 private:
  void BeginMember();
  uint64_t MemberSeed(int64_t member, const char* stream) const;
  uint64_t InitSeed(int64_t member) const;

  TextRmTrainerOptions options_;
  MemberFactory new_member_;
  std::vector<data::PreferenceExample> train_;
  int64_t pad_id_;
  uint64_t seed_;
  std::unique_ptr<RewardModelObjective> objective_;
  int64_t steps_per_member_;
  models::SequenceRewardModel model_{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::optional<EpochCursor> cursor_;  // the current member's data order
  int64_t member_ = 0, step_ = 0, epoch_ = 0, position_ = 0;
  bool begun_ = false;    // the current member has its weights, optimiser and cursor
  bool resumed_ = false;  // ... restored from a checkpoint taken inside it
};

}  // namespace rlab::reward
