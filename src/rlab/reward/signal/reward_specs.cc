#include "rlab/reward/signal/reward_specs.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/reward/signal/random_reward.h"
#include "rlab/reward/signal/tabular_reward.h"

namespace rlab::reward {

namespace {

// A shared reward handed out by a registry that returns unique pointers.
class SharedReward final : public RewardFn {
 public:
  explicit SharedReward(RewardPtr reward) : reward_(std::move(reward)) {}
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override {
    return (*reward_)(obs, actions, next_obs);
  }
  std::string Describe() const override { return reward_->Describe(); }

 private:
  RewardPtr reward_;
};

std::unique_ptr<RewardFn> Owned(RewardPtr reward) {
  return std::make_unique<SharedReward>(std::move(reward));
}

RewardPtr TrueReward(const RewardSpecContext& c) {
  RLAB_CHECK(static_cast<bool>(c.true_reward), "reward specs need the environment's true reward");
  return c.true_reward();
}

void RegisterAll(RewardSpecRegistry& r) {
  r.Register(
      {"true", "the environment's own reward", {}, [](const SpecArgs&, const RewardSpecContext& c) {
         return Owned(TrueReward(c));
       }});
  r.Register({"negated",
              "minus the true reward",
              {},
              [](const SpecArgs&, const RewardSpecContext& c) -> std::unique_ptr<RewardFn> {
                return std::make_unique<ScaledReward>(TrueReward(c), -1.0);
              }});
  r.Register({"scaled",
              "the true reward times a factor",
              {{"factor", "0.5", "multiplies the true reward (> 0 keeps EPIC at 0)"}},
              [](const SpecArgs& a, const RewardSpecContext& c) -> std::unique_ptr<RewardFn> {
                return std::make_unique<ScaledReward>(TrueReward(c), a.Get<double>("factor"));
              }});
  r.Register({"shaped",
              "the true reward plus gamma Phi(s') - Phi(s) for a potential Phi",
              {{"scale", "1", "multiplies the potential"},
               {"potential", "random",
                "the potential: random (random quadratic features; a random "
                "table on finite MDPs)"},
               {"seed", "0", "seed of the random potential"}},
              [](const SpecArgs& a, const RewardSpecContext& c) -> std::unique_ptr<RewardFn> {
                const std::string kind = a.Get<std::string>("potential");
                RLAB_CHECK(kind == "random",
                           "shaped: unknown potential '{}'; valid potentials: random", kind);
                const double scale = a.Get<double>("scale");
                const uint64_t seed = a.Get<uint64_t>("seed");
                RLAB_CHECK(std::isfinite(scale), "shaped: scale must be finite, got {}", scale);
                Potential phi =
                    c.tabular()
                        ? TabularPotential(
                              scale * RandomNormalTable(seed, "tabular-potential", {c.num_states}))
                        : RandomPotential(c.obs_dim, seed, scale);
                return std::make_unique<ShapedReward>(TrueReward(c), std::move(phi), c.gamma);
              }});
  r.Register({"random",
              "a random reward, independent of the true one",
              {{"seed", "0", "seed of the random reward"}},
              [](const SpecArgs& a, const RewardSpecContext& c) -> std::unique_ptr<RewardFn> {
                const uint64_t seed = a.Get<uint64_t>("seed");
                if (c.tabular()) {
                  return std::make_unique<TabularReward>(RandomNormalTable(
                      seed, "tabular-reward", {c.num_states, c.num_actions, c.num_states}));
                }
                return Owned(RandomReward(c.obs_dim, c.action_dim, seed));
              }});
}

}  // namespace

RewardSpecRegistry& RewardSpecs() {
  static RewardSpecRegistry registry("reward spec");
  return registry;
}

void RegisterBuiltins() {
  RewardSpecRegistry& r = RewardSpecs();
  if (RegisterOnce(r)) RegisterAll(r);
}

RewardPtr MakeReward(std::string_view spec, const RewardSpecContext& context) {
  RegisterBuiltins();
  const bool looks_like_path = spec.find('/') != std::string_view::npos;
  RLAB_CHECK(!looks_like_path,
             "reward spec '{}' looks like a run directory; learned reward models cannot be "
             "compared yet. Valid reward specs: {}",
             spec, JoinNames(RewardSpecs().List()));
  return RewardPtr(RewardSpecs().Create(spec, context));
}

}  // namespace rlab::reward
