// MD3QN's pieces on cases with known answers: the MMD under a Gaussian kernel, the
// distributional Bellman target, the MMD particle step as a gradient, the exact joint return
// of a one-step fork, correlation and the product of marginals.
#include "rlab/rl/tabular/md3qn.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rlab::rl::tabular {
namespace {

TEST(Md3qnMmd, TwoPointsOneApartWithUnitBandwidth) {
  const GaussianKernel kernel{.bandwidth = 1.0};
  const double mmd2 =
      MmdSquared(WeightedPoints::Uniform(1, {0.0}), WeightedPoints::Uniform(1, {1.0}), kernel);
  EXPECT_NEAR(mmd2, 2.0 - 2.0 * std::exp(-0.5), 1e-12);
}

TEST(Md3qnMmd, AntiAndCoCorrelatedPairsInTwoDimensions) {
  // X = {(0,0), (1,1)}, Y = {(1,0), (0,1)}: within each set the points are sqrt(2) apart, every
  // cross pair is 1 apart, so MMD^2 = (1 + e^-1) - 2 e^-1/2 with h = 1.
  const GaussianKernel kernel{.bandwidth = 1.0};
  const double mmd2 = MmdSquared(WeightedPoints::Uniform(2, {0, 0, 1, 1}),
                                 WeightedPoints::Uniform(2, {1, 0, 0, 1}), kernel);
  EXPECT_NEAR(mmd2, 1.0 + std::exp(-1.0) - 2.0 * std::exp(-0.5), 1e-12);
}

TEST(Md3qnMmd, ZeroBetweenWeightedAtomsAndTheirRepeatedParticles) {
  const GaussianKernel kernel{.bandwidth = 0.3};
  const WeightedPoints atoms{1, {0.0, 2.0}, {0.25, 0.75}};
  EXPECT_NEAR(MmdSquared(atoms, WeightedPoints::Uniform(1, {2.0, 0.0, 2.0, 2.0}), kernel), 0.0,
              1e-12);
}

TEST(Md3qnBellmanTarget, OneStepShiftsAndScalesEveryParticle) {
  const double reward[2] = {1.0, -2.0};
  const std::vector<double> target = BellmanTarget(reward, 0.5, {0.0, 0.0, 2.0, 4.0}, 2);
  EXPECT_EQ(target, (std::vector<double>{1.0, -2.0, 2.0, 0.0}));
}

TEST(Md3qnParticleStep, MovesAlongMinusHalfNTimesTheMmdGradient) {
  const GaussianKernel kernel{.bandwidth = 0.7};
  const std::vector<double> start = {0.1, -0.3, 0.5, 0.2, -0.4, 0.9};  // 3 particles in 2-D
  const std::vector<double> target = {0.0, 1.0, 1.0, 0.0};
  std::vector<double> moved = start;
  const double step = 1e-3;
  MmdParticleStep(moved, target, 2, kernel, step);
  const auto mmd2 = [&](const std::vector<double>& z) {
    return MmdSquared(WeightedPoints::Uniform(2, z), WeightedPoints::Uniform(2, target), kernel);
  };
  for (size_t i = 0; i < start.size(); ++i) {
    std::vector<double> plus = start, minus = start;
    plus[i] += 1e-6;
    minus[i] -= 1e-6;
    const double gradient = (mmd2(plus) - mmd2(minus)) / 2e-6;
    EXPECT_NEAR(moved[i] - start[i], -step * 1.5 * gradient, 1e-9) << "coordinate " << i;
  }
}

TEST(Md3qnExactReturn, OneStepForkIsPerfectlyAntiCorrelatedAndItsProductIsNot) {
  // State 0 goes to 1 (reward (1, 0)) w.p. 1/4 or to 2 (reward (0, 1)) w.p. 3/4; 1 and 2 absorb.
  MultiChannelMdp mdp(3, 1, 2, 0.9);
  mdp.P(0, 0, 1) = 0.25;
  mdp.P(0, 0, 2) = 0.75;
  mdp.R(0, 0, 1)[0] = 1.0;
  mdp.R(0, 0, 2)[1] = 1.0;
  mdp.P(1, 0, 1) = mdp.P(2, 0, 2) = 1.0;
  const std::vector<double> policy(3, 1.0);
  const WeightedPoints joint = ExactJointReturn(mdp, policy, 0, 0);
  const GaussianKernel kernel{.bandwidth = 1.0};
  EXPECT_NEAR(MmdSquared(joint, WeightedPoints{2, {1, 0, 0, 1}, {0.25, 0.75}}, kernel), 0.0, 1e-12);
  EXPECT_NEAR(Correlation(joint, 0, 1), -1.0, 1e-12);
  const WeightedPoints product = ProductOfMarginals({Marginal(joint, 0), Marginal(joint, 1)});
  EXPECT_EQ(product.size(), 4);
  EXPECT_NEAR(Correlation(product, 0, 1), 0.0, 1e-12);
  EXPECT_GT(MmdSquared(product, joint, kernel), 0.01);
  // An absorbing start returns 0 on every channel.
  EXPECT_EQ(ExactJointReturn(mdp, policy, 1, 0).points, (std::vector<double>{0.0, 0.0}));
}

}  // namespace
}  // namespace rlab::rl::tabular
