#include "rlab/rl/group_advantages.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>

#include "rlab/core/check.h"

namespace rlab::rl {

namespace {

class FormulaAdvantage : public GroupAdvantage {
 public:
  using Formula = std::function<torch::Tensor(const torch::Tensor& grouped)>;  // [P, G]
  FormulaAdvantage(std::string description, int64_t min_group, Formula formula)
      : description_(std::move(description)), min_group_(min_group), formula_(std::move(formula)) {}
  torch::Tensor operator()(const torch::Tensor& rewards, int64_t group_size) const override {
    RLAB_CHECK(group_size >= min_group_, "{}: needs groups of at least {} completions, got {}",
               description_, min_group_, group_size);
    return formula_(Grouped(rewards.detach(), group_size)).reshape({-1});
  }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  int64_t min_group_;
  Formula formula_;
};

std::unique_ptr<GroupAdvantage> Make(std::string description, int64_t min_group,
                                     FormulaAdvantage::Formula formula) {
  return std::make_unique<FormulaAdvantage>(std::move(description), min_group, std::move(formula));
}

// [P, 1]: true where every reward of the group is the same.
torch::Tensor ZeroSpread(const torch::Tensor& g) { return (g.amax(1, true) == g.amin(1, true)); }

torch::Tensor Grpo(const torch::Tensor& g, bool scale, double eps) {
  torch::Tensor a = g - g.mean(1, true);
  if (scale) a = a / (g.std(1, /*unbiased=*/true, /*keepdim=*/true) + eps);
  // The group mean of equal floats need not round back to them exactly: force the zero.
  return torch::where(ZeroSpread(g), torch::zeros_like(a), a);
}

torch::Tensor Rloo(const torch::Tensor& g) {
  const double n = static_cast<double>(g.size(1));
  // r_i - (sum - r_i) / (G - 1); exactly 0 for a group of equal rewards, as in Grpo.
  const torch::Tensor a = g - (g.sum(1, true) - g) / (n - 1);
  return torch::where(ZeroSpread(g), torch::zeros_like(a), a);
}

torch::Tensor ReinforcePp(const torch::Tensor& g, bool group_baseline, double eps) {
  RLAB_CHECK(g.numel() >= 2, "reinforce_pp: needs at least 2 rewards in the batch, got {}",
             g.numel());
  // As in Grpo, constant groups (and a constant batch) get exactly 0, not rounding noise
  // divided by eps.
  const torch::Tensor a =
      group_baseline ? torch::where(ZeroSpread(g), torch::zeros_like(g), g - g.mean(1, true)) : g;
  if ((a.max() == a.min()).item<bool>()) return torch::zeros_like(a);
  return (a - a.mean()) / (a.std() + eps);
}

torch::Tensor Bnpo(const torch::Tensor& g, double min_reward, double max_reward,
                   double max_weight) {
  const torch::Tensor s = ((g - min_reward) / (max_reward - min_reward)).to(torch::kFloat64);
  RLAB_CHECK((s >= 0).all().item<bool>() && (s <= 1).all().item<bool>(),
             "bnpo: rewards must lie in [min_reward={}, max_reward={}]; set them to the "
             "reward's range",
             min_reward, max_reward);
  const torch::Tensor p = s.mean(1, true);  // [P, 1] success rate of each prompt
  double alpha = 1, beta = 1;
  if (p.size(0) >= 2) {
    const double m = p.mean().item<double>(), v = p.var().item<double>();
    if (v > 0) {
      const double common = m * (1 - m) / v - 1;  // a + b of the moment fit
      alpha = std::max(1.0, 1.0 + m * common / 3.0);
      beta = std::max(1.0, 1.0 + (1 - m) * common / 3.0);
    }
  }
  // log Beta density; xlogy keeps (alpha - 1) log p at 0 where alpha = 1 and p = 0.
  const double log_norm = std::lgamma(alpha + beta) - std::lgamma(alpha) - std::lgamma(beta);
  const torch::Tensor log_f = torch::xlogy(torch::full_like(p, alpha - 1), p) +
                              torch::xlogy(torch::full_like(p, beta - 1), 1 - p) + log_norm;
  const torch::Tensor weight = torch::exp(-log_f).clamp_max(max_weight);  // 1 / f, capped
  return (weight * (s - p)).to(g.dtype());
}

}  // namespace

torch::Tensor Grouped(const torch::Tensor& rewards, int64_t group_size) {
  RLAB_CHECK(rewards.defined() && rewards.dim() == 1, "group advantages: rewards must be [N]");
  RLAB_CHECK(group_size >= 1 && rewards.size(0) > 0 && rewards.size(0) % group_size == 0,
             "group advantages: {} rewards do not split into groups of {}", rewards.size(0),
             group_size);
  RLAB_CHECK(torch::isfinite(rewards).all().item<bool>(),
             "group advantages: a reward is NaN or infinite");
  return rewards.reshape({-1, group_size});
}

GroupAdvantageRegistry& GroupAdvantages() {
  static GroupAdvantageRegistry registry("group advantage estimator");
  return registry;
}

void RegisterGroupAdvantages() {
  GroupAdvantageRegistry& reg = GroupAdvantages();
  if (!RegisterOnce(reg)) return;
  reg.Register({"grpo",
                "(r - group mean) / (group std + eps) (Shao et al., arXiv:2402.03300); "
                "scale_rewards=false: Dr. GRPO (Liu et al., arXiv:2503.20783)",
                {{"scale_rewards", "true", "divide by the group's standard deviation"},
                 {"eps", "1e-4", "added to the standard deviation (TRL's value)"}},
                [](const SpecArgs& a) {
                  const bool scale = a.Get<bool>("scale_rewards");
                  const double eps = a.Get<double>("eps");
                  RLAB_CHECK(eps >= 0, "grpo: eps must be >= 0, got {}", eps);
                  return Make(fmt::format("grpo(scale_rewards={}, eps={})", scale, eps),
                              scale ? 2 : 1,
                              [scale, eps](const torch::Tensor& g) { return Grpo(g, scale, eps); });
                }});
  reg.Register({"rloo",
                "r - mean of the other completions of the prompt (Ahmadian et al., "
                "arXiv:2402.14740)",
                {},
                [](const SpecArgs&) { return Make("rloo", 2, Rloo); }});
  reg.Register(
      {"reinforce_pp",
       "(r - batch mean) / batch std, REINFORCE++ (Hu, arXiv:2501.03262)",
       {{"group_baseline", "false", "subtract the group mean first (REINFORCE++-baseline)"},
        {"eps", "1e-8", "added to the standard deviation"}},
       [](const SpecArgs& a) {
         const bool baseline = a.Get<bool>("group_baseline");
         const double eps = a.Get<double>("eps");
         RLAB_CHECK(eps >= 0, "reinforce_pp: eps must be >= 0, got {}", eps);
         return Make(
             fmt::format("reinforce_pp(group_baseline={}, eps={})", baseline, eps), 1,
             [baseline, eps](const torch::Tensor& g) { return ReinforcePp(g, baseline, eps); });
       }});
  reg.Register(
      {"bnpo",
       "(r - p) / Beta density at p, Beta fitted to the batch's success rates (Xiao "
       "et al., arXiv:2506.02864)",
       {{"min_reward", "0", "lowest possible reward"},
        {"max_reward", "1", "highest possible reward"},
        {"max_weight", "1e6", "cap on 1 / density"}},
       [](const SpecArgs& a) {
         const double lo = a.Get<double>("min_reward"), hi = a.Get<double>("max_reward");
         const double cap = a.Get<double>("max_weight");
         RLAB_CHECK(lo < hi, "bnpo: min_reward ({}) must be below max_reward ({})", lo, hi);
         RLAB_CHECK(cap > 0, "bnpo: max_weight must be > 0, got {}", cap);
         return Make(fmt::format("bnpo(min_reward={}, max_reward={}, max_weight={})", lo, hi, cap),
                     1, [lo, hi, cap](const torch::Tensor& g) { return Bnpo(g, lo, hi, cap); });
       }});
}

std::unique_ptr<GroupAdvantage> MakeGroupAdvantage(std::string_view spec) {
  RegisterGroupAdvantages();
  return GroupAdvantages().Create(spec);
}

GroupRewardStats ComputeGroupRewardStats(const torch::Tensor& rewards, int64_t group_size) {
  const torch::Tensor g = Grouped(rewards.detach(), group_size).to(torch::kFloat64);
  GroupRewardStats stats;
  stats.reward = g.mean().item<double>();
  // A single completion per prompt has no spread (and Bessel's correction no value).
  stats.reward_std = group_size >= 2 ? g.std(1, /*unbiased=*/true).mean().item<double>() : 0.0;
  stats.frac_reward_zero_std = ZeroSpread(g).to(torch::kFloat64).mean().item<double>();
  return stats;
}

}  // namespace rlab::rl
