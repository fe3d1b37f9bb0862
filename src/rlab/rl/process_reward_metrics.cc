#include "rlab/rl/process_reward_metrics.h"

#include <torch/torch.h>

#include <set>

namespace rlab::rl {

bool IsDegenerate(const data::StepTruth& steps, const std::string& completion,
                  const std::optional<std::string>& reference) {
  const std::vector<std::string> written = steps.SplitSteps(completion);
  if (reference && written.size() > steps.SplitSteps(*reference).size()) return true;
  std::set<std::string> seen;
  for (const std::string& step : written) {
    if (!seen.insert(step).second) return true;
  }
  return false;
}

MetricList ProcessRewardMetrics(const reward::ProcessRewards& process,
                                const std::vector<std::string>& completions,
                                const std::vector<std::optional<std::string>>& references,
                                const data::StepTruth* steps) {
  const torch::Tensor positions = process.positions.to(torch::kCPU);  // [N, T]
  const double rewarded = positions.sum().item<double>();
  const double n = static_cast<double>(std::max<int64_t>(positions.size(0), 1));
  const double reward_sum =
      torch::where(positions, process.rewards.to(torch::kCPU), torch::zeros({}, torch::kFloat32))
          .sum()
          .item<double>();
  MetricList metrics = {{"process_reward", rewarded > 0 ? reward_sum / rewarded : 0.0},
                        {"process_steps", rewarded / n}};
  if (steps) {
    double degenerate = 0;
    for (std::size_t i = 0; i < completions.size(); ++i) {
      const std::optional<std::string> none;
      degenerate +=
          IsDegenerate(*steps, completions[i], i < references.size() ? references[i] : none) ? 1
                                                                                             : 0;
    }
    metrics.emplace_back("process_degenerate", degenerate / n);
  }
  return metrics;
}

}  // namespace rlab::rl
