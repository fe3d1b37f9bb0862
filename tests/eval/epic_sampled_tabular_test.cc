// Sample-based EPIC and STARC against the exact tabular computation: on finite MDPs, with
// states and actions as index rows, the sampled distances must agree with epic.h and starc.h
// within sampling error.
//
// The bound. The sampled distance is a function of the Pearson correlation rho estimated
// from N i.i.d. coverage samples, whose standard error is about (1 - rho^2) / sqrt(N). With
// D = sqrt((1 - rho) / 2) the delta method gives SE(D) ~ D (1 - D^2) / sqrt(N) <= 0.385 /
// sqrt(N) = 0.006 for N = 4096. The expectations estimated from M = 1024 samples add noise of
// relative variance ~(1 + gamma^2) / M to C(R), which biases rho by ~1e-3 and D by less than
// that. kBound = 0.03 is five standard errors plus that bias, so a failure means a real
// disagreement rather than bad luck; the mean error over the seeds must be within 0.012.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <vector>

#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/eval/epic.h"
#include "rlab/eval/epic_sampled.h"
#include "rlab/eval/starc.h"
#include "rlab/reward/signal/tabular_reward.h"

namespace rlab::eval {
namespace {

namespace tabular = envs::tabular;

constexpr double kTabularGamma = 0.9;
constexpr double kBound = 0.03;
constexpr double kMeanBound = 0.012;

struct Problem {
  tabular::FiniteMdp mdp;
  torch::Tensor other;        // [S, A, S] a second reward
  torch::Tensor state_dist;   // [S]
  torch::Tensor action_dist;  // [A]
  torch::Tensor coverage;     // [S, A, S]
};

Problem MakeProblem(uint64_t seed, bool product) {
  Problem p;
  p.mdp = tabular::MakeRandomMdp(
      {.num_states = 6, .num_actions = 3, .gamma = kTabularGamma, .seed = seed});
  const tabular::FiniteMdp noise = tabular::MakeRandomMdp(
      {.num_states = 6, .num_actions = 3, .gamma = kTabularGamma, .seed = seed + 1000});
  // Correlated with the first reward, so the distance is neither 0 nor ~0.7.
  p.other = p.mdp.rewards + 0.8 * noise.rewards;
  p.state_dist = product ? torch::full({6}, 1.0 / 6, torch::kDouble) : noise.initial;
  p.action_dist = product ? torch::full({3}, 1.0 / 3, torch::kDouble)
                          : torch::softmax(noise.rewards[0][0].narrow(0, 0, 3), 0);
  p.coverage = product ? ProductCoverage(p.state_dist, p.action_dist)
                       : p.state_dist.view({-1, 1, 1}) * p.action_dist.view({1, -1, 1}) *
                             p.mdp.transitions;  // D_S(s) D_A(a) P(s' | s, a)
  return p;
}

void ExpectAgreement(bool product) {
  double epic_error = 0, starc_error = 0;
  const std::vector<uint64_t> seeds = {1, 2, 3, 4, 5};
  for (uint64_t seed : seeds) {
    const Problem p = MakeProblem(seed, product);
    const double exact_epic = EpicDistance(p.mdp.rewards, p.other,
                                           {.gamma = kTabularGamma,
                                            .state_dist = p.state_dist,
                                            .action_dist = p.action_dist,
                                            .coverage = p.coverage});
    const double exact_starc = StarcDistance(p.mdp.rewards, p.other,
                                             {.canonicalisation = StarcCanonicalisation::kEpic,
                                              .gamma = kTabularGamma,
                                              .state_dist = p.state_dist,
                                              .action_dist = p.action_dist,
                                              .norm_weights = p.coverage});
    const EpicSamples samples =
        SampleMdpTransitions(p.coverage, p.state_dist, p.action_dist,
                             {.num_transitions = 4096, .num_samples = 1024, .seed = seed});
    const reward::TabularReward a(p.mdp.rewards), b(p.other);
    const SampledEpicOptions o{.gamma = kTabularGamma};
    const SampledCanonical ca = SampledEpicCanonicalise(a, samples, o);
    const SampledCanonical cb = SampledEpicCanonicalise(b, samples, o);
    const double sampled_epic = SampledEpicDistance(ca, cb);
    const double sampled_starc = SampledStarcDistance(ca, cb);
    EXPECT_GT(exact_epic, 0.1) << seed;
    EXPECT_NEAR(sampled_epic, exact_epic, kBound) << "seed " << seed;
    EXPECT_NEAR(sampled_starc, exact_starc, kBound) << "seed " << seed;
    epic_error += std::abs(sampled_epic - exact_epic) / seeds.size();
    starc_error += std::abs(sampled_starc - exact_starc) / seeds.size();
  }
  EXPECT_LT(epic_error, kMeanBound);
  EXPECT_LT(starc_error, kMeanBound);
}

TEST(SampledEpicTabular, AgreesWithExactUnderProductCoverage) { ExpectAgreement(true); }

TEST(SampledEpicTabular, AgreesWithExactUnderDynamicsCoverage) { ExpectAgreement(false); }

TEST(SampledEpicTabular, ShapingIsExactlyInvisible) {
  const Problem p = MakeProblem(7, true);
  const torch::Tensor phi = 5.0 * p.other[0][0];  // [S] an arbitrary potential
  const torch::Tensor shaped = 2.0 * tabular::PotentialShaping(p.mdp.rewards, phi, kTabularGamma);
  const EpicSamples samples = SampleMdpTransitions(p.coverage, p.state_dist, p.action_dist,
                                                   {.num_transitions = 512, .num_samples = 256});
  EXPECT_LT(SampledEpicDistance(reward::TabularReward(p.mdp.rewards), reward::TabularReward(shaped),
                                samples, {.gamma = kTabularGamma}),
            1e-6);
}

TEST(SampledEpicTabular, SamplesFollowTheirDistributions) {
  const Problem p = MakeProblem(3, false);
  const EpicSamples s = SampleMdpTransitions(p.coverage, p.state_dist, p.action_dist,
                                             {.num_transitions = 20000, .num_samples = 20000});
  const torch::Tensor counts =
      torch::bincount(s.states.select(1, 0).to(torch::kLong), {}, 6).to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(counts / 20000, p.state_dist, 0, 0.015));
  // Only transitions the dynamics allow appear in the coverage samples.
  const torch::Tensor flat = s.coverage.obs.select(1, 0).to(torch::kLong) * 18 +
                             s.coverage.actions.select(1, 0).to(torch::kLong) * 6 +
                             s.coverage.next_obs.select(1, 0).to(torch::kLong);
  EXPECT_TRUE(p.coverage.view({-1}).index_select(0, flat).gt(0).all().item<bool>());
}

}  // namespace
}  // namespace rlab::eval
