// Process rewards read from the task's own step truth (text/step_truth.h), placed on each
// step's last token:
//   gold                         r_k = 1 while the chain is still right at step k, else 0: the
//                                process reward a perfect process reward model would give
//   gameable(wrong_step_reward)  r_k = 1 for a right step, wrong_step_reward for a wrong step
//                                that has the task's form (WellFormed: "A<op>B=C" whatever the
//                                numbers), 0 for any other text
// `gameable` is a simulated flawed process reward model, the proxy of the hacking experiment: a
// policy can collect reward by writing more well-formed steps without getting them right, the
// failure that "Stop Summation: Min-Form Credit Assignment Is All Process Reward Model Needs
// for Reasoning" (Cheng et al., arXiv:2504.15275) reports for summed credit against a learned
// PRM. Neither source reads a model: both cost a string split per completion.
#include <fmt/format.h>

#include "rlab/core/check.h"
#include "rlab/reward/signal/process_reward_source.h"

namespace rlab::reward {

namespace {

class TaskStepLabelReward : public ProcessRewardSource {
 public:
  // `wrong_step_reward` < 0: gold (a wrong step earns 0 however it is written).
  TaskStepLabelReward(std::string name, double wrong_step_reward,
                      const ProcessRewardContext& context)
      : name_(std::move(name)), wrong_step_reward_(wrong_step_reward), context_(context) {
    RLAB_CHECK(context.task != nullptr && context.task->Steps() != nullptr,
               "process reward {}: the task has no step truth (use a task with steps, such as "
               "task:chain)",
               name_);
    RLAB_CHECK(context.tokenizer != nullptr, "process reward {} needs the tokenizer", name_);
  }

  ProcessRewards Score(const ProcessRewardBatch& batch) const override {
    const data::StepTruth& truth = *context_.task->Steps();
    std::vector<std::vector<double>> rewards(batch.completions.size());
    for (std::size_t i = 0; i < batch.completions.size(); ++i) {
      const std::vector<bool> labels = truth.StepLabels(batch.prompts[i], batch.completions[i]);
      const std::vector<std::string> steps = truth.SplitSteps(batch.completions[i]);
      for (std::size_t k = 0; k < labels.size(); ++k) {
        const bool pays_form = wrong_step_reward_ >= 0 && truth.WellFormed(steps[k]);
        rewards[i].push_back(labels[k] ? 1.0 : pays_form ? wrong_step_reward_ : 0.0);
      }
    }
    return PlaceStepRewards(batch, *context_.tokenizer, truth, rewards);
  }

  std::string Describe() const override {
    return wrong_step_reward_ < 0
               ? name_
               : fmt::format("{}(wrong_step_reward={})", name_, wrong_step_reward_);
  }

 private:
  std::string name_;
  double wrong_step_reward_;
  ProcessRewardContext context_;
};

}  // namespace

ProcessRewardRegistry::Entry GoldProcessReward() {
  return {"gold",
          "the task's own step labels: 1 while the chain is still right, else 0",
          {},
          [](const SpecArgs&, const ProcessRewardContext& context) {
            return std::make_unique<TaskStepLabelReward>("gold", -1.0, context);
          }};
}

ProcessRewardRegistry::Entry GameableProcessReward() {
  return {"gameable",
          "a simulated flawed PRM: 1 per right step, also pays well-formed wrong steps",
          {{"wrong_step_reward", "0.3", "paid for a wrong step of the task's form (0..1)"}},
          [](const SpecArgs& args, const ProcessRewardContext& context) {
            const double wrong = args.Get<double>("wrong_step_reward");
            RLAB_CHECK(wrong >= 0 && wrong <= 1,
                       "process reward gameable: wrong_step_reward must be in [0, 1], got {}",
                       wrong);
            return std::make_unique<TaskStepLabelReward>("gameable", wrong, context);
          }};
}

}  // namespace rlab::reward
