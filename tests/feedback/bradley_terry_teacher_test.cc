#include "rlab/feedback/bradley_terry_teacher.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rlab/core/check.h"

namespace rlab::feedback {
namespace {

double Frequency(const BradleyTerryTeacher& t, double ra, double rb, int n = 100000) {
  Rng rng(1);
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += t.Label(ra, rb, rng);
  return sum / n;
}

TEST(BradleyTerryTeacher, ProbabilityIsLogisticInTheReturnDifference) {
  const BradleyTerryTeacher t(2.0, 0.0);
  EXPECT_NEAR(t.PreferenceProbability(1.0, 0.5), 1.0 / (1.0 + std::exp(-1.0)), 1e-15);
  EXPECT_NEAR(t.PreferenceProbability(0.0, 0.0), 0.5, 1e-15);
  EXPECT_NEAR(Frequency(t, 1.0, 0.5), 1.0 / (1.0 + std::exp(-1.0)), 0.005);
}

TEST(BradleyTerryTeacher, NonPositiveBetaIsDeterministic) {
  const BradleyTerryTeacher t(0.0, 0.0);
  EXPECT_EQ(Frequency(t, 0.2, 0.1, 1000), 1.0);
  EXPECT_EQ(Frequency(t, 0.1, 0.2, 1000), 0.0);
  EXPECT_NEAR(Frequency(t, 0.1, 0.1), 0.5, 0.01);  // exact ties: fair coin
}

TEST(BradleyTerryTeacher, MistakesFlipLabelsAtTheirRate) {
  EXPECT_NEAR(Frequency(BradleyTerryTeacher(0.0, 0.25), 1.0, 0.0), 0.75, 0.005);
  // With noise p and mistakes e: P(label a) = p (1 - e) + (1 - p) e.
  const BradleyTerryTeacher t(1.0, 0.1);
  const double p = 1.0 / (1.0 + std::exp(-0.5));
  EXPECT_NEAR(Frequency(t, 0.5, 0.0), p * 0.9 + (1 - p) * 0.1, 0.005);
  EXPECT_THROW(BradleyTerryTeacher(1.0, 1.5), Error);
}

}  // namespace
}  // namespace rlab::feedback
