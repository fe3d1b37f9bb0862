#include "rlab/rl/process_reward_metrics.h"

#include <torch/torch.h>

#include <set>

namespace rlab::rl {

bool RepeatsAStep(const data::StepTruth& steps, const std::string& completion) {
  std::set<std::string> seen;
  for (const std::string& step : steps.SplitSteps(completion)) {
    if (!seen.insert(step).second) return true;
  }
  return false;
}

MetricList ProcessRewardMetrics(const reward::ProcessRewards& process,
                                const std::vector<std::string>& completions,
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
    double repeated = 0;
    for (const std::string& c : completions) repeated += RepeatsAStep(*steps, c) ? 1 : 0;
    metrics.emplace_back("process_repeated_steps", repeated / n);
  }
  return metrics;
}

}  // namespace rlab::rl
