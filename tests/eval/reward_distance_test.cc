// Property tests of the EPIC and STARC reward distances on random tabular MDPs.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/finite_mdp.h"
#include "rlab/envs/tabular/occupancy.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/eval/epic.h"
#include "rlab/eval/starc.h"

namespace rlab::eval {
namespace {

namespace tabular = envs::tabular;

constexpr int64_t kStates = 6;
constexpr int64_t kActions = 3;
constexpr double kGamma = 0.9;

tabular::FiniteMdp TestMdp(uint64_t seed) {
  return tabular::MakeRandomMdp(
      {.num_states = kStates, .num_actions = kActions, .gamma = kGamma, .seed = seed});
}

// Independent N(0, 1) noise [S, A, S], from the rewards of another random MDP.
torch::Tensor Noise(uint64_t seed) { return TestMdp(seed + 5000).rewards; }

using Distance = std::function<double(const torch::Tensor&, const torch::Tensor&)>;

struct NamedDistance {
  std::string name;
  Distance distance;
  bool removes_next_state_redistribution = false;
};

// Every distance under test for one MDP, with uniform and non-uniform distributions.
std::vector<NamedDistance> Distances(const tabular::FiniteMdp& mdp, uint64_t seed) {
  const torch::Tensor d_s = TestMdp(seed + 100).initial;                               // [S]
  const torch::Tensor d_a = torch::softmax(Noise(seed).select(0, 0).select(1, 0), 0);  // [A]
  const torch::Tensor weights = tabular::TransitionOccupancy(
      mdp.transitions, mdp.initial, kGamma, tabular::UniformPolicy(kStates, kActions), true);
  const torch::Tensor policy = torch::softmax(Noise(seed + 1).select(2, 0), 1);  // [S, A]
  const auto starc = [&](StarcOptions options) -> Distance {
    return [options](const torch::Tensor& a, const torch::Tensor& b) {
      return StarcDistance(a, b, options);
    };
  };
  using C = StarcCanonicalisation;
  return {
      {"epic_uniform",
       [](const torch::Tensor& a, const torch::Tensor& b) {
         return EpicDistance(a, b, {.gamma = kGamma});
       }},
      {"epic_weighted",
       [=](const torch::Tensor& a, const torch::Tensor& b) {
         return EpicDistance(a, b, {.gamma = kGamma, .state_dist = d_s, .action_dist = d_a});
       }},
      {"starc_epic", starc({.canonicalisation = C::kEpic, .gamma = kGamma})},
      {"starc_epic_weighted", starc({.canonicalisation = C::kEpic,
                                     .gamma = kGamma,
                                     .state_dist = d_s,
                                     .action_dist = d_a,
                                     .norm_weights = weights})},
      {"starc_val", starc({.gamma = kGamma, .transitions = mdp.transitions}), true},
      {"starc_val_weighted",
       starc({.gamma = kGamma,
              .transitions = mdp.transitions,
              .policy = policy,
              .norm_weights = weights}),
       true},
      {"starc_val_pointwise", starc({.canonicalisation = C::kValueAdjustedLevellingPointwise,
                                     .gamma = kGamma,
                                     .transitions = mdp.transitions,
                                     .policy = policy})},
  };
}

TEST(RewardDistance, ZeroUnderPotentialShapingAndPositiveRescaling) {
  for (uint64_t seed = 0; seed < 8; ++seed) {
    const tabular::FiniteMdp mdp = TestMdp(seed);
    const torch::Tensor potential = 5.0 * Noise(seed + 7).select(1, 0).select(1, 0);  // [S]
    for (const double scale : {0.01, 1.0, 30.0}) {
      const torch::Tensor shaped =
          scale * tabular::PotentialShaping(mdp.rewards, potential, kGamma);
      for (const NamedDistance& d : Distances(mdp, seed)) {
        EXPECT_NEAR(d.distance(mdp.rewards, shaped), 0.0, 1e-7)
            << d.name << ", seed " << seed << ", scale " << scale;
      }
    }
  }
}

TEST(RewardDistance, ValueAdjustedLevellingIgnoresZeroMeanNextStateChanges) {
  for (uint64_t seed = 0; seed < 4; ++seed) {
    const tabular::FiniteMdp mdp = TestMdp(seed);
    // X(s, a, s') with sum_s' P(s' | s, a) X(s, a, s') = 0 for every (s, a).
    const torch::Tensor noise = Noise(seed);
    const torch::Tensor redistribution = noise - (mdp.transitions * noise).sum(2, /*keepdim=*/true);
    for (const NamedDistance& d : Distances(mdp, seed)) {
      const double distance = d.distance(mdp.rewards, mdp.rewards + redistribution);
      if (d.removes_next_state_redistribution) {
        EXPECT_NEAR(distance, 0.0, 1e-7) << d.name;
      } else {
        EXPECT_GT(distance, 1e-3) << d.name;
      }
    }
  }
}

TEST(RewardDistance, NegatedRewardIsAtDistanceOne) {
  for (uint64_t seed = 0; seed < 8; ++seed) {
    const tabular::FiniteMdp mdp = TestMdp(seed);
    for (const NamedDistance& d : Distances(mdp, seed)) {
      EXPECT_NEAR(d.distance(mdp.rewards, -mdp.rewards), 1.0, 1e-9) << d.name;
      EXPECT_NEAR(d.distance(mdp.rewards, mdp.rewards), 0.0, 1e-9) << d.name;
    }
  }
}

TEST(RewardDistance, SymmetricBoundedAndTriangular) {
  for (uint64_t seed = 0; seed < 8; ++seed) {
    const tabular::FiniteMdp mdp = TestMdp(seed);
    const torch::Tensor a = mdp.rewards;
    const torch::Tensor b = a + 0.5 * Noise(seed);
    const torch::Tensor c = Noise(seed + 1);
    for (const NamedDistance& d : Distances(mdp, seed)) {
      const double ab = d.distance(a, b), ba = d.distance(b, a);
      const double bc = d.distance(b, c), ac = d.distance(a, c);
      EXPECT_NEAR(ab, ba, 1e-12) << d.name;
      for (const double x : {ab, bc, ac}) {
        EXPECT_GE(x, 0.0) << d.name;
        EXPECT_LE(x, 1.0 + 1e-12) << d.name;
      }
      EXPECT_LE(ac, ab + bc + 1e-12) << d.name;
      EXPECT_LE(ab, ac + bc + 1e-12) << d.name;
      EXPECT_LE(bc, ab + ac + 1e-12) << d.name;
      EXPECT_GT(ac, 1e-3) << d.name;  // unrelated rewards are apart
    }
  }
}

TEST(RewardDistance, EpicMatchesPearsonOfCanonicalisedRewards) {
  const tabular::FiniteMdp mdp = TestMdp(3);
  const torch::Tensor other = Noise(3);
  const EpicOptions options{.gamma = kGamma};
  const torch::Tensor x = EpicCanonicalise(mdp.rewards, options).reshape({-1});
  const torch::Tensor y = EpicCanonicalise(other, options).reshape({-1});
  // Uniform coverage: the plain Pearson correlation of the flattened tensors.
  const torch::Tensor xc = x - x.mean(), yc = y - y.mean();
  const double rho =
      ((xc * yc).sum() / torch::sqrt((xc * xc).sum() * (yc * yc).sum())).item<double>();
  EXPECT_NEAR(EpicDistance(mdp.rewards, other, options), std::sqrt((1.0 - rho) / 2.0), 1e-12);
}

TEST(RewardDistance, StarcWithEpicCanonicalisationIsEpicUnderUniformCoverage) {
  // Under uniform D_S, D_A the EPIC canonicalisation has mean 0 over the uniform coverage, so
  // standardising by the L2 norm is standardising by the standard deviation.
  for (uint64_t seed = 0; seed < 4; ++seed) {
    const torch::Tensor r1 = TestMdp(seed).rewards, r2 = Noise(seed);
    EXPECT_NEAR(
        EpicDistance(r1, r2, {.gamma = kGamma}),
        StarcDistance(r1, r2, {.canonicalisation = StarcCanonicalisation::kEpic, .gamma = kGamma}),
        1e-12);
  }
}

TEST(RewardDistance, EpicCanonicalisationRemovesShapingExactly) {
  const tabular::FiniteMdp mdp = TestMdp(2);
  const torch::Tensor potential = Noise(2).select(1, 0).select(1, 0);  // [S]
  const EpicOptions options{.gamma = kGamma};
  EXPECT_TRUE(torch::allclose(
      EpicCanonicalise(tabular::PotentialShaping(mdp.rewards, potential, kGamma), options),
      EpicCanonicalise(mdp.rewards, options), 0.0, 1e-12));
}

TEST(RewardDistance, PearsonDistanceOfConstantInputs) {
  const torch::Tensor w = torch::full({4}, 0.25, torch::kDouble);
  const torch::Tensor constant = torch::full({4}, 3.0, torch::kDouble);
  const torch::Tensor x = torch::tensor({1.0, 2.0, 0.0, -1.0}, torch::kDouble);
  EXPECT_EQ(PearsonDistance(constant, 2.0 * constant, w), 0.0);
  EXPECT_NEAR(PearsonDistance(constant, x, w), 0.5, 1e-15);
}

TEST(RewardDistance, RejectsInvalidInput) {
  const tabular::FiniteMdp mdp = TestMdp(0);
  const torch::Tensor r = mdp.rewards;
  EXPECT_THROW(EpicDistance(r, r, {.gamma = 1.0}), Error);
  EXPECT_THROW(EpicDistance(r, r.narrow(0, 0, 2), {.gamma = kGamma}), Error);
  EXPECT_THROW(EpicDistance(r, r, {.gamma = kGamma, .state_dist = mdp.initial * 2.0}), Error);
  EXPECT_THROW(EpicDistance(r, r, {.gamma = kGamma, .action_dist = mdp.initial}), Error);
  EXPECT_THROW(EpicDistance(r.to(torch::kFloat), r.to(torch::kFloat), {.gamma = kGamma}), Error);
  EXPECT_THROW(StarcDistance(r, r, {.gamma = kGamma}), Error);  // VAL without transitions
  EXPECT_THROW(StarcDistance(r, r,
                             {.gamma = kGamma,
                              .transitions = mdp.transitions,
                              .policy = tabular::UniformPolicy(kStates, kActions) * 0.5}),
               Error);
  EXPECT_THROW(
      StarcDistance(
          r, r,
          {.gamma = kGamma, .transitions = mdp.transitions, .norm_weights = torch::ones_like(r)}),
      Error);
}

}  // namespace
}  // namespace rlab::eval
