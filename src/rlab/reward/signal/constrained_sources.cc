#include "rlab/reward/signal/constrained_sources.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"
#include "rlab/core/spec.h"

namespace rlab::reward {

namespace {

// nullopt for "objective", else the constraint the spec names.
std::optional<RewardConstraint> ParseRole(const std::string& text, std::size_t source) {
  const Spec spec = Spec::Parse(text);
  if (spec.name == "objective") {
    SpecArgs(spec, {}, "reward role");
    return std::nullopt;
  }
  RewardConstraint c;
  c.sense = ParseConstraintSense(spec.name);
  const SpecArgs args(spec, {{"threshold", std::nullopt, "the bound on the mean reward"}},
                      "reward role");
  c.threshold = args.Get<double>("threshold");
  c.name = fmt::format("{}", source);
  return c;
}

std::vector<RewardConstraint> ConstraintsOf(const std::vector<std::string>& roles) {
  std::vector<RewardConstraint> out;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (auto c = ParseRole(roles[i], i)) out.push_back(*c);
  }
  RLAB_CHECK(!out.empty(), "constraints: at least one reward source must be a constraint "
                           "(at_least, at_most or equal), got only objectives");
  return out;
}

}  // namespace

ConstrainedSources::ConstrainedSources(const std::vector<std::string>& roles,
                                       std::vector<double> weights, LagrangeSettings settings)
    : weights_(std::move(weights)), lagrangian_(ConstraintsOf(roles), settings) {
  if (weights_.empty()) weights_.assign(roles.size(), 1.0);
  RLAB_CHECK(weights_.size() == roles.size(), "constraints: {} weights for {} reward sources",
             weights_.size(), roles.size());
  for (std::size_t i = 0; i < roles.size(); ++i) {
    (ParseRole(roles[i], i) ? constrained_ : objective_).push_back(i);
  }
}

torch::Tensor ConstrainedSources::ConstraintRewards(const TextRewards& scored) const {
  std::vector<torch::Tensor> rows;
  for (const std::size_t i : constrained_) {
    RLAB_CHECK(i < scored.parts.size(), "constraints: role for source {} but {} sources scored", i,
               scored.parts.size());
    rows.push_back(scored.parts[i].second.to(torch::kFloat32));
  }
  return torch::stack(rows);
}

torch::Tensor ConstrainedSources::Combine(const TextRewards& scored) const {
  torch::Tensor objective = torch::zeros_like(scored.total, torch::kFloat32);
  for (const std::size_t i : objective_) {
    objective = objective + weights_[i] * scored.parts.at(i).second.to(torch::kFloat32);
  }
  return lagrangian_.Combine(objective, ConstraintRewards(scored));
}

void ConstrainedSources::Update(const TextRewards& scored) {
  lagrangian_.UpdateMultipliers(ConstraintRewards(scored));
}

std::vector<std::pair<std::string, double>> ConstrainedSources::Metrics(
    const TextRewards& scored) const {
  std::vector<std::pair<std::string, double>> m;
  const torch::Tensor c = ConstraintRewards(scored);
  for (std::size_t k = 0; k < constrained_.size(); ++k) {
    m.emplace_back(fmt::format("multiplier/{}", constrained_[k]), multipliers()[k]);
    m.emplace_back(fmt::format("constraint/{}", constrained_[k]), c[k].mean().item<double>());
  }
  return m;
}

}  // namespace rlab::reward
