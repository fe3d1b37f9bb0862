// Properties every registered teacher must have, checked over the whole registry so that a new
// teacher is tested the moment it is registered: labels in {0, 0.5, 1} (0 when skipped), the
// same labels from the same seed, a query's label independent of the queries labelled before it
// (given the generator's state), a segment better at every step preferred, swapping the
// segments mirroring the labels, its description a spec for the same teacher, malformed queries
// refused, and errors that list the valid names and keys. Teachers compute no gradients, so
// the gradient property of the other suites has no counterpart here.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "registry_conformance.h"
#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/feedback/teacher_registry.h"
#include "test_support.h"

namespace rlab::feedback {
namespace {

constexpr size_t kConformanceSegmentLength = 10;

// Episodes of T = 50 steps with a mean return of 20: the skip and equal presets' thresholds,
// eps * (H / T) * 20, are 0.4 for eps = 0.1.
const TeacherContext kConformanceContext{.mean_episode_return = 20.0, .episode_length = 50};

// Two segments' per-step true rewards, kept alive for the SegmentQuery that views them.
struct ConformanceQueryData {
  std::vector<double> first, second;
  SegmentQuery View() const { return {first, second}; }
  SegmentQuery Swapped() const { return {second, first}; }
};

// `n` queries drawn from `seed`, rewards ~ N(0.3, 1) a step; with `margin` > 0 the second
// segment is better than the first at every step, by U(margin, 2 margin).
std::vector<ConformanceQueryData> RandomTeacherQueries(int n, uint64_t seed, double margin = 0) {
  Rng rng(seed);
  std::vector<ConformanceQueryData> queries(n);
  for (ConformanceQueryData& q : queries) {
    for (size_t k = 0; k < kConformanceSegmentLength; ++k) {
      q.first.push_back(rng.Normal(0.3, 1.0));
      q.second.push_back(margin > 0 ? q.first.back() + rng.Uniform(margin, 2 * margin)
                                    : rng.Normal(0.3, 1.0));
    }
  }
  return queries;
}

std::vector<TeacherLabel> LabelAll(const Teacher& teacher,
                                   const std::vector<ConformanceQueryData>& queries, Rng& rng,
                                   bool swapped = false) {
  std::vector<TeacherLabel> labels;
  for (const ConformanceQueryData& q : queries) {
    labels.push_back(teacher.Label(swapped ? q.Swapped() : q.View(), kConformanceContext, rng));
  }
  return labels;
}

// The mean label of the answered queries: the share that prefers the second segment.
double MeanAnsweredLabel(const std::vector<TeacherLabel>& labels, int* answered = nullptr) {
  double total = 0.0;
  int n = 0;
  for (const TeacherLabel& l : labels) {
    if (!l.answered) continue;
    total += l.label;
    ++n;
  }
  if (answered) *answered = n;
  return n ? total / n : std::numeric_limits<double>::quiet_NaN();
}

// The same answers and labels, query by query.
void ExpectSameLabels(const std::vector<TeacherLabel>& a, const std::vector<TeacherLabel>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].answered, b[i].answered) << "query " << i;
    EXPECT_EQ(a[i].label, b[i].label) << "query " << i;
  }
}

class TeacherConformance : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Teacher> MakeConformanceTeacher() const { return MakeTeacher(GetParam()); }
};

TEST_P(TeacherConformance, LabelsAreFirstSecondOrEqualAndZeroWhenSkipped) {
  const auto teacher = MakeConformanceTeacher();
  Rng rng(1);
  int answered = 0;
  for (const TeacherLabel& l : LabelAll(*teacher, RandomTeacherQueries(300, 1), rng)) {
    ASSERT_TRUE(std::isfinite(l.label));
    if (!l.answered) {
      EXPECT_EQ(l.label, 0.0) << "a skipped query is labelled 0";
      continue;
    }
    ++answered;
    EXPECT_TRUE(l.label == kFirstPreferred || l.label == kSecondPreferred ||
                l.label == kEquallyPreferred)
        << l.label;
  }
  EXPECT_GT(answered, 150) << "of 300 queries";
}

TEST_P(TeacherConformance, SameSeedGivesTheSameLabels) {
  const auto a = MakeConformanceTeacher(), b = MakeConformanceTeacher();
  const auto queries = RandomTeacherQueries(200, 2);
  Rng rng_a(7), rng_b(7);
  ExpectSameLabels(LabelAll(*a, queries, rng_a), LabelAll(*b, queries, rng_b));
  EXPECT_EQ(rng_a.State(), rng_b.State()) << "both drew the same numbers";
}

TEST_P(TeacherConformance, LabelDependsOnlyOnTheQueryAndTheGeneratorState) {
  // The analogue of batch invariance: labelling a query after others, or alone from the same
  // generator state, gives the same label.
  const auto teacher = MakeConformanceTeacher();
  const auto queries = RandomTeacherQueries(50, 3);
  Rng rng(8);
  for (size_t i = 0; i < queries.size(); ++i) {
    Rng alone;
    alone.SetState(rng.State());
    const TeacherLabel in_sequence = teacher->Label(queries[i].View(), kConformanceContext, rng);
    const TeacherLabel by_itself =
        MakeConformanceTeacher()->Label(queries[i].View(), kConformanceContext, alone);
    EXPECT_EQ(in_sequence.answered, by_itself.answered) << "query " << i;
    EXPECT_EQ(in_sequence.label, by_itself.label) << "query " << i;
  }
}

TEST_P(TeacherConformance, SegmentBetterAtEveryStepIsPreferred) {
  // Better by 0.5 to 1 at each of 10 steps: every teacher follows the true reward, up to its
  // noise (the mistake preset flips 10% of labels).
  const auto teacher = MakeConformanceTeacher();
  const auto queries = RandomTeacherQueries(200, 4, /*margin=*/0.5);
  Rng rng(9);
  int answered = 0;
  EXPECT_GE(MeanAnsweredLabel(LabelAll(*teacher, queries, rng), &answered), 0.8);
  EXPECT_GT(answered, 100);
  EXPECT_LE(MeanAnsweredLabel(LabelAll(*teacher, queries, rng, /*swapped=*/true)), 0.2);
}

TEST_P(TeacherConformance, SwappingTheSegmentsMirrorsTheLabels) {
  // P(second | a, b) = P(first | b, a), up to sampling noise (2000 queries: std of each share
  // below 0.012).
  const auto teacher = MakeConformanceTeacher();
  const auto queries = RandomTeacherQueries(2000, 5);
  Rng rng(10);
  const double straight = MeanAnsweredLabel(LabelAll(*teacher, queries, rng));
  const double swapped = MeanAnsweredLabel(LabelAll(*teacher, queries, rng, /*swapped=*/true));
  EXPECT_NEAR(straight, 1.0 - swapped, 0.05);
}

TEST_P(TeacherConformance, DescriptionIsASpecForTheSameTeacher) {
  const auto teacher = MakeConformanceTeacher();
  const auto rebuilt = MakeTeacher(teacher->Describe());
  EXPECT_EQ(rebuilt->Describe(), teacher->Describe());
  const auto queries = RandomTeacherQueries(100, 6);
  Rng rng_a(11), rng_b(11);
  ExpectSameLabels(LabelAll(*teacher, queries, rng_a), LabelAll(*rebuilt, queries, rng_b));
}

TEST_P(TeacherConformance, RefusesMalformedQueriesWithAClearMessage) {
  const auto teacher = MakeConformanceTeacher();
  Rng rng(12);
  const std::vector<double> three = {1.0, 2.0, 3.0}, two = {1.0, 2.0}, none;
  const std::vector<double> nan = {1.0, std::nan(""), 3.0};
  const auto message = [&](const std::vector<double>& a, const std::vector<double>& b) {
    return testing::ErrorOf([&] { teacher->Label({a, b}, kConformanceContext, rng); });
  };
  EXPECT_NE(message(three, two).find("same length"), std::string::npos) << message(three, two);
  EXPECT_NE(message(none, none).find("must not be empty"), std::string::npos);
  EXPECT_NE(message(three, nan).find("non-finite"), std::string::npos) << message(three, nan);
}

TEST_P(TeacherConformance, UnknownKeyFailsListingTheValidKeys) {
  testing::ExpectUnknownKeyListsTheValidKeys(Teachers(), GetParam(),
                                             [](const std::string& spec) { MakeTeacher(spec); });
}

TEST(TeacherRegistryConformance, UnknownNameFailsListingEveryTeacher) {
  RegisterTeachers();
  testing::ExpectUnknownNameListsEveryEntry(Teachers(),
                                            [](const std::string& spec) { MakeTeacher(spec); });
}

std::vector<std::string> AllTeachers() {
  RegisterTeachers();
  return Teachers().List();
}

INSTANTIATE_TEST_SUITE_P(AllTeachers, TeacherConformance, ::testing::ValuesIn(AllTeachers()),
                         testing::RegistryEntryTestName);

}  // namespace
}  // namespace rlab::feedback
