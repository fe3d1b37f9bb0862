// prm(path=DIR, baseline=0): a trained process reward model (reward/model/
// process_reward_model.h, `rlab train-prm`) as the process reward. Each step of a completion (as
// the task's StepTruth splits it) is rewarded with the model's P(the solution is still right
// after this step) minus `baseline`, placed on the step's last token:
//   r_k = sigmoid(s_k) - baseline.
// The PRM-as-dense-reward use of Lightman et al., "Let's Verify Step by Step", arXiv:2305.20050
// (who train the PRM; RL against it follows Wang et al., "Math-Shepherd", arXiv:2312.08935, step
// by step PPO with PRM rewards). Here the PRM is a tiny transformer trained on the synthetic
// task's gold step labels rather than on human or Monte-Carlo labels.
#include <fmt/format.h>

#include "rlab/core/check.h"
#include "rlab/reward/model/process_reward_model.h"
#include "rlab/reward/signal/process_reward_source.h"

namespace rlab::reward {

namespace {

class PrmProcessReward : public ProcessRewardSource {
 public:
  PrmProcessReward(const std::string& path, double baseline, const ProcessRewardContext& context)
      : model_(LoadProcessRewardModel(path)), baseline_(baseline), context_(context) {
    RLAB_CHECK(context.task != nullptr && context.task->Steps() != nullptr,
               "process reward prm(path={}): the task has no steps (use a task with steps, such "
               "as task:chain)",
               path);
    RLAB_CHECK(context.tokenizer != nullptr, "process reward prm(path={}) needs the tokenizer",
               path);
    const std::string task_delimiter = context.task->Steps()->Delimiter();
    RLAB_CHECK(model_.info().delimiter == task_delimiter,
               "process reward prm(path={}): the model learnt steps split by '{}' but the task "
               "splits them by '{}'",
               path, model_.info().delimiter, task_delimiter);
  }

  ProcessRewards Score(const ProcessRewardBatch& batch) const override {
    const data::StepTruth& steps = *context_.task->Steps();
    std::vector<std::vector<std::size_t>> ends;
    ends.reserve(batch.completions.size());
    for (const std::string& c : batch.completions) ends.push_back(steps.StepEnds(c));
    std::vector<std::vector<double>> rewards =
        model_.StepProbabilities(batch.prompts, batch.completions, ends);
    for (auto& row : rewards) {
      for (double& r : row) r -= baseline_;
    }
    return PlaceStepRewards(batch, *context_.tokenizer, steps, rewards);
  }

  std::string Describe() const override {
    return fmt::format("prm({}, baseline {})", model_.Describe(), baseline_);
  }

 private:
  ProcessRewardModel model_;
  double baseline_;
  ProcessRewardContext context_;
};

}  // namespace

ProcessRewardRegistry::Entry PrmProcessRewardEntry() {
  return {"prm",
          "a trained process reward model's P(still right) at each step (rlab train-prm)",
          {{"path", std::nullopt, "process-reward-model directory (train-prm's reward_model)"},
           {"baseline", "0", "subtracted from each step's probability"}},
          [](const SpecArgs& args, const ProcessRewardContext& context) {
            return std::make_unique<PrmProcessReward>(args.Get<std::string>("path"),
                                                      args.Get<double>("baseline"), context);
          }};
}

}  // namespace rlab::reward
