// The panel sets of the pipelines that ship with rewardlab: each pipeline's headline summary
// keys, most important first, and the builder of its own sections where it has one.
#include "rlab/report/panels.h"

namespace rlab::report {

void RegisterBuiltins() {
  if (!RegisterOnce(PipelinePanels())) return;
  RegisterPanels("bt-recovery", "held-out accuracy and Pearson correlation with the hidden reward",
                 {"heldout_accuracy", "pearson", "heldout_label_accuracy"});
  RegisterPanels("eval-rm", "accuracy with its interval, per subset, calibration, margins",
                 {"accuracy", "evaluated", "records", "rewardbench_score", "ece"}, EvalRmPanels);
  RegisterPanels("train-rm", "held-out accuracy and calibration of the reward model",
                 {"accuracy", "ece", "comparison_accuracy"});
  RegisterPanels("sft", "the task's gold metric and the held-out loss",
                 {"exact_match", "gold_reward", "eval_loss", "train_loss"});
  RegisterPanels("dpo", "gold win rate and gold reward against the reference, and the drift",
                 {"gold_win_rate", "gold_reward", "kl", "eval_rewards/accuracies"});
  RegisterPanels("rl", "reward and gold reward of the policy's samples, and the drift",
                 {"reward", "gold", "exact_match", "gold_reward", "kl"});
  RegisterPanels("online-po", "gold win rate and gold reward of the policy, and the drift",
                 {"gold_win_rate", "gold_reward", "exact_match", "kl"});
  RegisterPanels("pbrl", "normalised return, labels asked and answered, teacher agreement",
                 {"normalized_return", "gold_return", "rm_accuracy", "reward_pearson",
                  "labels_answered", "labels_asked"},
                 PbrlPanels);
  RegisterPanels("train-rl", "the return over the last 100 episodes",
                 {"mean_return_last100", "episodes"});
}

}  // namespace rlab::report
