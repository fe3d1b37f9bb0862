// Trains a process reward model (process_reward_model.h) with the per-step binary cross-entropy
// of TRL's PRMTrainer: at each step's last token, -[y log sigmoid(s) + (1 - y) log(1 - sigmoid(s))]
// averaged over the steps of the batch, y = the step's gold label (Lightman et al., "Let's Verify
// Step by Step", arXiv:2305.20050). supervision=outcome keeps only the final step of each
// completion with the outcome label (all steps right), which trains an outcome reward model
// on the same completions. AdamW and its schedule come from models/optim/lm_optim.h; Step()
// is one optimiser step. The trainer writes no file and logs nothing.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rlab/core/checkpoint.h"
#include "rlab/core/epoch_cursor.h"
#include "rlab/models/optim/lm_optim.h"
#include "rlab/models/transformer/sequence_reward_model.h"
#include "rlab/reward/model/process_reward_model.h"

namespace torch::optim {
class AdamW;
}

namespace rlab::reward {

struct PrmTrainerOptions {
  models::LmOptim optim;
  std::string supervision = "step";

  PrmTrainerOptions();  // process-reward-model defaults for optim
  template <class V>
  void Fields(V& v) {
    v("optim", optim, "optimiser and schedule (batch_size counts completions)");
    v("supervision", supervision,
      "step: a label at every step (a process reward model); outcome: the final step only, "
      "labelled by whether every step is right (an outcome reward model, the baseline)");
  }
  void Validate() const;
  bool outcome() const;
};

struct PrmStepStats {
  double loss = 0.0;           // mean binary cross-entropy over the batch's steps
  double step_accuracy = 0.0;  // steps whose logit has the label's sign (logit > 0 = right)
  int64_t steps = 0;           // labelled steps in the batch
  int64_t tokens = 0;          // real tokens
  double learning_rate = 0.0;
  double grad_norm = 0.0;  // before clipping (0 when clipping is off)
};

class ProcessRewardTrainer {
 public:
  // `train`: labelled step examples (supervision=outcome reduces them with OutcomeOnly);
  // `pad_id` fills the rows' right ends; the data order derives from `seed`.
  ProcessRewardTrainer(const PrmTrainerOptions& options, models::SequenceRewardModel model,
                       std::vector<StepExample> train, int64_t pad_id, uint64_t seed);
  ~ProcessRewardTrainer();

  int64_t total_steps() const { return total_steps_; }
  int64_t step() const { return step_; }
  bool done() const { return step_ >= total_steps_; }

  // One optimiser step on the next batch (grad_accum micro-batches).
  PrmStepStats Step();

  models::SequenceRewardModel& model() { return model_; }
  // The model and its optimiser, for a checkpoint; Counters() says where training is
  // ("step", "epoch", "position") and Restore takes them back after State() was loaded.
  CheckpointState State();
  nlohmann::json Counters() const;
  void Restore(const nlohmann::json& counters);

 private:
  PrmTrainerOptions options_;
  models::SequenceRewardModel model_;
  std::vector<StepExample> train_;
  int64_t pad_id_;
  uint64_t seed_;
  int64_t total_steps_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::optional<EpochCursor> cursor_;
  int64_t step_ = 0, epoch_ = 0, position_ = 0;
};

}  // namespace rlab::reward
