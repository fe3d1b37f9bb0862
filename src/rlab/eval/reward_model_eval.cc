#include "rlab/eval/reward_model_eval.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <optional>

#include "rlab/reward/model/rm_batch.h"

namespace rlab::eval {

std::vector<RecordJudgement> JudgeExamples(const RewardOutputsFn& outputs,
                                           const reward::RewardModelObjective& objective,
                                           const std::vector<data::PreferenceExample>& examples,
                                           int64_t batch_size, int64_t pad_token_id) {
  torch::NoGradGuard no_grad;
  std::vector<RecordJudgement> judged;
  judged.reserve(examples.size());
  std::vector<int64_t> idx;
  for (std::size_t start = 0; start < examples.size(); start += batch_size) {
    idx.resize(std::min<std::size_t>(batch_size, examples.size() - start));
    std::iota(idx.begin(), idx.end(), static_cast<int64_t>(start));
    const reward::RmBatch batch = reward::CollatePreferences(examples, idx, pad_token_id);
    const torch::Tensor out = outputs(batch.ids, batch.attention_mask).to(torch::kFloat64);
    // [R] one reward per response of the batch, where the objective has a scalar reward
    const std::optional<torch::Tensor> rewards = objective.Reward(out);
    const torch::Tensor reward_values =
        rewards ? rewards->to(torch::kFloat64).contiguous() : torch::Tensor();
    int64_t row = 0;
    for (const int64_t i : idx) {
      const auto& e = examples[i];
      const int64_t k = static_cast<int64_t>(e.sequences.size());
      const torch::Tensor others = out.slice(0, row + 1, row + k);
      const torch::Tensor first = out.slice(0, row, row + 1).expand_as(others);
      const torch::Tensor logits = objective.PreferenceLogit(first, others).contiguous();
      RecordJudgement j;
      j.logits.assign(logits.data_ptr<double>(), logits.data_ptr<double>() + (k - 1));
      if (rewards) {
        const double* first_reward = reward_values.data_ptr<double>() + row;
        j.scores.assign(first_reward, first_reward + k);
      }
      j.tie = e.tie;
      j.subset = e.subset;
      judged.push_back(std::move(j));
      row += k;
    }
  }
  return judged;
}

}  // namespace rlab::eval
