#include "rlab/eval/reward_model_judge.h"

#include <torch/torch.h>

namespace rlab::eval {

RewardModelReport JudgeRewardModel(const RewardOutputsFn& outputs,
                                   const reward::RewardModelObjective& objective,
                                   const std::vector<data::PreferenceExample>& examples,
                                   int64_t batch_size, int64_t pad_token_id) {
  return JudgeRecords(JudgeExamples(outputs, objective, examples, batch_size, pad_token_id));
}

nlohmann::json MemberAccuracies(std::vector<models::SequenceRewardModel>& members,
                                const reward::RewardModelObjective& objective,
                                const std::vector<data::PreferenceExample>& examples,
                                int64_t batch_size, int64_t pad_token_id) {
  nlohmann::json accuracies = nlohmann::json::array();
  for (auto& member : members) {
    if (examples.empty()) {
      accuracies.push_back(nullptr);
      continue;
    }
    const auto outputs = [&member](const torch::Tensor& ids, const torch::Tensor& mask) {
      return member->Outputs(ids, mask);
    };
    accuracies.push_back(
        JudgeRewardModel(outputs, objective, examples, batch_size, pad_token_id).accuracy);
  }
  return accuracies;
}

}  // namespace rlab::eval
