#include "rlab/reward/signal/tabular_reward.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

torch::Tensor TabularIndices(const torch::Tensor& rows, int64_t n, const char* what) {
  RLAB_CHECK(rows.dim() == 2 && rows.size(1) == 1,
             "tabular {} must be [B, 1] index rows (one index per row), got {}", what,
             rows.sizes());
  const torch::Tensor index = rows.select(1, 0).to(torch::kDouble);  // [B]
  const torch::Tensor whole = index.round();
  RLAB_CHECK(
      rows.size(0) == 0 || (whole.eq(index).all().item<bool>() && whole.min().item<double>() >= 0 &&
                            whole.max().item<double>() <= static_cast<double>(n - 1)),
      "tabular {} must be whole numbers in [0, {}]", what, n - 1);
  return whole.to(torch::kLong);
}

TabularReward::TabularReward(torch::Tensor rewards) : rewards_(std::move(rewards)) {
  RLAB_CHECK(rewards_.defined() && rewards_.dim() == 3 && rewards_.size(0) == rewards_.size(2),
             "TabularReward needs a table [S, A, S], got {}",
             rewards_.defined() ? rewards_.sizes() : torch::IntArrayRef{});
  rewards_ = rewards_.to(torch::kDouble).contiguous();
  RLAB_CHECK(torch::isfinite(rewards_).all().item<bool>(), "TabularReward needs finite rewards");
}

torch::Tensor TabularReward::operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                        const torch::Tensor& next_obs) const {
  CheckRewardInputs(obs, actions, next_obs);
  const int64_t s = rewards_.size(0), a = rewards_.size(1);
  const torch::Tensor flat = TabularIndices(obs, s, "states") * (a * s) +
                             TabularIndices(actions, a, "actions") * s +
                             TabularIndices(next_obs, s, "next states");  // [B]
  return rewards_.view({-1}).index_select(0, flat);                       // [B]
}

std::string TabularReward::Describe() const {
  return fmt::format("tabular reward {}", rewards_.sizes());
}

Potential TabularPotential(torch::Tensor table) {
  RLAB_CHECK(table.defined() && table.dim() == 1, "a tabular potential needs a table [S]");
  table = table.to(torch::kDouble).contiguous();
  return [table](const torch::Tensor& obs) {
    return table.index_select(0, TabularIndices(obs, table.size(0), "states"));  // [B]
  };
}

torch::Tensor TabulateReward(const RewardFn& reward, int64_t num_states, int64_t num_actions) {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32);
  const torch::Tensor s = torch::arange(num_states, opts);
  const torch::Tensor a = torch::arange(num_actions, opts);
  const std::vector<torch::Tensor> grid = torch::meshgrid({s, a, s}, "ij");  // 3 x [S, A, S]
  const torch::Tensor values = reward(grid[0].reshape({-1, 1}), grid[1].reshape({-1, 1}),
                                      grid[2].reshape({-1, 1}));  // [S * A * S]
  return values.view({num_states, num_actions, num_states});
}

}  // namespace rlab::reward
