// B-Pref's scripted teachers (Lee et al., "B-Pref: Benchmarking Preference-Based Reinforcement
// Learning", arXiv:2111.03026) on hand-made segments, with fixed seeds.
#include "rlab/feedback/scripted_teacher.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/feedback/teacher_registry.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::feedback {
namespace {

using testing::ErrorOf;
using Segment = std::vector<double>;

TeacherLabel Ask(const Teacher& t, const Segment& a, const Segment& b, Rng& rng,
                 const TeacherContext& ctx = {}) {
  return t.Label(SegmentQuery{a, b}, ctx, rng);
}

// Fraction of `n` answered queries labelled "second preferred".
double SecondRate(const Teacher& t, const Segment& a, const Segment& b, int n, uint64_t seed = 7) {
  Rng rng(seed);
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const TeacherLabel l = Ask(t, a, b, rng);
    EXPECT_TRUE(l.answered);
    sum += l.label;
  }
  return sum / n;
}

using testing::Sigmoid;

TEST(ScriptedTeacher, OracleAlwaysPrefersTheLargerReturn) {
  auto oracle = MakeTeacher("oracle");
  Rng data(3), rng(4);
  for (int i = 0; i < 2000; ++i) {
    Segment a(5), b(5);
    for (int k = 0; k < 5; ++k) {
      a[k] = data.Normal();
      b[k] = data.Normal();
    }
    double ra = 0, rb = 0;
    for (int k = 0; k < 5; ++k) {
      ra += a[k];
      rb += b[k];
    }
    const TeacherLabel l = Ask(*oracle, a, b, rng);
    ASSERT_TRUE(l.answered);
    ASSERT_EQ(l.label, ra < rb ? 1.0 : 0.0) << "query " << i;
  }
  // An exact tie goes to the first segment, as B-Pref's 1 * (R1 < R2).
  EXPECT_EQ(Ask(*oracle, {1, 2}, {2, 1}, rng).label, kFirstPreferred);
  // The oracle draws nothing: the generator is untouched.
  Rng fresh(4), used(4);
  Ask(*oracle, {1}, {2}, used);
  EXPECT_EQ(fresh.NextU64(), used.NextU64());
}

TEST(ScriptedTeacher, MistakeFlipsAboutTenPercent) {
  auto mistake = MakeTeacher("mistake");
  // The rational label is "first" here, so the rate of "second" is the flip rate.
  // n = 20000: the standard error of the rate is sqrt(0.09 / 20000) = 0.0021; tolerance 0.01.
  EXPECT_NEAR(SecondRate(*mistake, {1, 1}, {0, 0}, 20000), 0.1, 0.01);
  EXPECT_NEAR(1.0 - SecondRate(*mistake, {0, 0}, {1, 1}, 20000, 11), 0.1, 0.01);
}

TEST(ScriptedTeacher, StochasticFollowsTheLogisticFormula) {
  auto stochastic = MakeTeacher("stochastic");  // beta = 1
  const auto& s = dynamic_cast<const ScriptedTeacher&>(*stochastic);
  // P(second) = exp(R2) / (exp(R1) + exp(R2)), R1 = 0.75, R2 = 0.
  const double p = std::exp(0.0) / (std::exp(0.75) + std::exp(0.0));
  EXPECT_NEAR(s.SecondPreferredProbability({Segment{0.5, 0.25}, Segment{0, 0}}), p, 1e-15);
  // n = 20000: standard error <= 0.0036; tolerance 0.015.
  EXPECT_NEAR(SecondRate(*stochastic, {0.5, 0.25}, {0, 0}, 20000), p, 0.015);
  EXPECT_NEAR(SecondRate(*stochastic, {0, 0}, {1, 1}, 20000), Sigmoid(2.0), 0.015);
  EXPECT_NEAR(SecondRate(*stochastic, {1, -1}, {0, 0}, 20000), 0.5, 0.015);
  // beta scales the difference; the formula is evaluated without overflow.
  auto sharp = MakeTeacher("scripted(beta=3)");
  const auto& s3 = dynamic_cast<const ScriptedTeacher&>(*sharp);
  EXPECT_NEAR(s3.SecondPreferredProbability({Segment{0.1}, Segment{0.3}}), Sigmoid(0.6), 1e-15);
  EXPECT_EQ(s3.SecondPreferredProbability({Segment{1e6}, Segment{0}}), 0.0);
  EXPECT_EQ(s3.SecondPreferredProbability({Segment{-1e6}, Segment{1e6}}), 1.0);
  // The Bradley-Terry label is taken over the myopic returns: gamma 0.5, R1 = 0.5 * 2 = 1,
  // R2 = 0.5.
  auto both = MakeTeacher("scripted(beta=1, gamma=0.5)");
  EXPECT_NEAR(dynamic_cast<const ScriptedTeacher&>(*both).SecondPreferredProbability(
                  {Segment{2, 0}, Segment{0, 0.5}}),
              Sigmoid(-0.5), 1e-15);
}

TEST(ScriptedTeacher, MyopicWeightsAreExactAndFavourLateRewards) {
  auto myopic = MakeTeacher("myopic");  // gamma = 0.9
  const auto& m = dynamic_cast<const ScriptedTeacher&>(*myopic);
  // Step k of H = 3 weighs 0.9^(2 - k): 0.81, 0.9, 1.
  EXPECT_NEAR(m.MyopicReturn(Segment{1, 0, 0}), 0.81, 1e-15);
  EXPECT_NEAR(m.MyopicReturn(Segment{0, 1, 0}), 0.9, 1e-15);
  EXPECT_EQ(m.MyopicReturn(Segment{0, 0, 1}), 1.0);
  EXPECT_NEAR(m.MyopicReturn(Segment{1, 1, 1}), 2.71, 1e-14);
  // first = (3, 0, 0): return 3, myopic 0.81 * 3 = 2.43;
  // second = (0, 0, 2.5): return 2.5, myopic 2.5. The myopic teacher prefers the second,
  // the oracle the first.
  Rng rng(1);
  EXPECT_EQ(Ask(*myopic, {3, 0, 0}, {0, 0, 2.5}, rng).label, kSecondPreferred);
  EXPECT_EQ(Ask(*MakeTeacher("oracle"), {3, 0, 0}, {0, 0, 2.5}, rng).label, kFirstPreferred);
  // Just under the myopic return of the first, (0, 0, 2.42) loses: 2.42 < 2.43.
  EXPECT_EQ(Ask(*myopic, {3, 0, 0}, {0, 0, 2.42}, rng).label, kFirstPreferred);
}

TEST(ScriptedTeacher, SkipThresholdAtTheBoundary) {
  auto skip = MakeTeacher("skip");  // eps_skip = 0.1
  // Threshold = 0.1 * (H / T) * mean = 0.1 * (4 / 8) * 40 = 2.
  const TeacherContext ctx{.mean_episode_return = 40.0, .episode_length = 8};
  const double thr = ScriptedTeacher::Threshold(0.1, 4, ctx);
  EXPECT_NEAR(thr, 2.0, 1e-12);
  Rng rng(1);
  // The larger return equal to the threshold: skipped, reported as not answered.
  const TeacherLabel at = Ask(*skip, {thr, 0, 0, 0}, {-5, 0, 0, 0}, rng, ctx);
  EXPECT_FALSE(at.answered);
  EXPECT_FALSE(Ask(*skip, {-5, 0, 0, 0}, {0.5, 0.5, 0.5, 0.5}, rng, ctx).answered);  // 2 <= 2
  // Just above: answered with the rational label.
  const TeacherLabel above =
      Ask(*skip, {std::nextafter(thr, 10.0), 0, 0, 0}, {-5, 0, 0, 0}, rng, ctx);
  EXPECT_TRUE(above.answered);
  EXPECT_EQ(above.label, kFirstPreferred);
  // Budgets count both ways.
  LabelCounts counts;
  counts.Add(at);
  counts.Add(above);
  EXPECT_EQ(counts.asked, 2);
  EXPECT_EQ(counts.answered, 1);
  // The threshold uses undiscounted returns even for a myopic teacher: (2.1, 0, 0, 0) has
  // myopic return 0.9^3 * 2.1 = 1.53 but undiscounted 2.1 > 2, so it is kept; (0, 0, 0, 1.9)
  // has undiscounted 1.9 <= 2 and is skipped.
  auto both = MakeTeacher("scripted(gamma=0.9, eps_skip=0.1)");
  EXPECT_TRUE(Ask(*both, {2.1, 0, 0, 0}, {0, 0, 0, 0}, rng, ctx).answered);
  EXPECT_FALSE(Ask(*both, {0, 0, 0, 1.9}, {0, 0, 0, 0}, rng, ctx).answered);
  // As in B-Pref, skipping is off when the threshold is not positive (mean return <= 0).
  const TeacherContext negative{.mean_episode_return = -40.0, .episode_length = 8};
  EXPECT_TRUE(Ask(*skip, {-100, 0, 0, 0}, {-90, 0, 0, 0}, rng, negative).answered);
  // Without an episode length the threshold cannot be computed.
  EXPECT_NE(ErrorOf([&] { Ask(*skip, {1}, {2}, rng); }).find("episode length"), std::string::npos);
}

TEST(ScriptedTeacher, EqualThresholdAtTheBoundary) {
  auto equal = MakeTeacher("equal");  // eps_equal = 0.1
  const TeacherContext ctx{.mean_episode_return = 40.0, .episode_length = 8};
  const double thr = ScriptedTeacher::Threshold(0.1, 4, ctx);  // 2
  Rng rng(1);
  // A difference equal to the threshold is not a tie (strict <).
  const TeacherLabel at = Ask(*equal, {thr, 0, 0, 0}, {0, 0, 0, 0}, rng, ctx);
  EXPECT_TRUE(at.answered);
  EXPECT_EQ(at.label, kFirstPreferred);
  // Just below it is.
  const TeacherLabel below =
      Ask(*equal, {std::nextafter(thr, 0.0), 0, 0, 0}, {0, 0, 0, 0}, rng, ctx);
  EXPECT_TRUE(below.answered);
  EXPECT_EQ(below.label, kEquallyPreferred);
  EXPECT_EQ(Ask(*equal, {0, 0, 0, 1}, {0, 0, 1, 0}, rng, ctx).label, kEquallyPreferred);
  // Ties are decided before mistakes and never flipped (B-Pref overwrites them last).
  auto noisy = MakeTeacher("scripted(eps_equal=0.1, eps_mistake=0.5)");
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(Ask(*noisy, {1, 0, 0, 0}, {0, 0, 0, 0}, rng, ctx).label, kEquallyPreferred);
  }
}

TEST(ScriptedTeacher, SkipComesBeforeEqual) {
  auto both = MakeTeacher("scripted(eps_skip=0.1, eps_equal=0.1)");
  const TeacherContext ctx{.mean_episode_return = 40.0, .episode_length = 8};
  Rng rng(1);
  // Returns 1 and 1.5: both below the skip threshold 2 and within the equal threshold 2.
  EXPECT_FALSE(Ask(*both, {1, 0, 0, 0}, {1.5, 0, 0, 0}, rng, ctx).answered);
  // Returns 3 and 4: not skipped, and a tie.
  EXPECT_EQ(Ask(*both, {3, 0, 0, 0}, {4, 0, 0, 0}, rng, ctx).label, kEquallyPreferred);
}

TEST(ScriptedTeacher, SameSeedSameLabels) {
  auto t = MakeTeacher("scripted(beta=1, eps_mistake=0.2)");
  Rng a(42), b(42);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(Ask(*t, {0.3}, {0.1}, a).label, Ask(*t, {0.3}, {0.1}, b).label);
  }
}

TEST(ScriptedTeacher, BadQueriesAndKnobsAreErrors) {
  auto oracle = MakeTeacher("oracle");
  Rng rng(1);
  EXPECT_NE(ErrorOf([&] {
              Ask(*oracle, {1, 2}, {1}, rng);
            }).find("same length"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { Ask(*oracle, {}, {}, rng); }).find("empty"), std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              Ask(*oracle, {1, std::nan("")}, {1, 2}, rng);
            }).find("non-finite"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { MakeTeacher("scripted(gamma=1.5)"); }).find("gamma"), std::string::npos);
  EXPECT_NE(ErrorOf([] { MakeTeacher("mistake(eps_mistake=2)"); }).find("eps_mistake"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::feedback
