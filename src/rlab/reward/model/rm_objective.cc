#include "rlab/reward/model/rm_objective.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/reward/model/preference_losses.h"

namespace rlab::reward {

torch::Tensor RewardModelObjective::PreferenceLogit(const torch::Tensor& a,
                                                    const torch::Tensor& b) const {
  const auto ra = Reward(a), rb = Reward(b);
  RLAB_CHECK(ra && rb, "{} has no preference logit", Describe());
  return *ra - *rb;
}

RmObjectiveRegistry& RmObjectives() {
  static RmObjectiveRegistry registry("reward-model objective");
  return registry;
}

void RegisterRmObjectives() {
  RmObjectiveRegistry& r = RmObjectives();
  if (!RegisterOnce(r)) return;
  RegisterScalarRmObjectives(r);
  RegisterQuantileRmObjective(r);
  RegisterGpmObjective(r);
}

std::unique_ptr<RewardModelObjective> MakeRmObjective(std::string_view spec) {
  RegisterRmObjectives();
  return RmObjectives().Create(spec);
}

torch::Tensor Rows(const torch::Tensor& values, const torch::Tensor& rows) {
  return values.index_select(0, rows);
}

torch::Tensor RankingLoss(const torch::Tensor& rewards, const RmTargets& targets) {
  if (targets.rankings.empty()) return torch::zeros({}, rewards.options());
  // Rankings may differ in length, so each is its own [1, K] row of Plackett-Luce.
  torch::Tensor total = torch::zeros({}, rewards.options());
  for (const torch::Tensor& rows : targets.rankings) {
    total = total + PlackettLuceLoss(Rows(rewards, rows).unsqueeze(0));
  }
  return total / static_cast<double>(targets.rankings.size());
}

torch::Tensor MixByRecords(const torch::Tensor& pair_loss, int64_t pairs,
                           const torch::Tensor& ranking_loss, int64_t rankings) {
  RLAB_CHECK(pairs + rankings > 0, "a reward-model batch needs at least one record");
  return (pair_loss * static_cast<double>(pairs) + ranking_loss * static_cast<double>(rankings)) /
         static_cast<double>(pairs + rankings);
}

}  // namespace rlab::reward
