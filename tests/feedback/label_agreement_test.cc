// Majority answers and agreement between people: Fleiss' kappa against a case computed by hand.
#include "rlab/feedback/label_agreement.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace rlab::feedback {
namespace {

HumanLabel L(const std::string& id, const std::string& who, const std::string& choice) {
  return HumanLabel{0, id, who, choice, "2026-12-07T00:00:00.000Z"};
}

// Four comparisons, three people each (c5 has one answer and a skip, and takes no part):
//   c1 L L L: P = 1       c2 L L R: P = (2*1)/(3*2) = 1/3
//   c3 R R R: P = 1       c4 L R T: P = 0
// mean P = 7/12; p_left = 6/12, p_right = 5/12, p_tie = 1/12;
// P_e = (36 + 25 + 1) / 144 = 62/144; kappa = (84/144 - 62/144) / (82/144) = 22/82.
TEST(LabelAgreement, FleissKappaMatchesAHandComputedCase) {
  const std::vector<HumanLabel> labels = {
      L("c1", "a", "left"),  L("c1", "b", "left"),  L("c1", "c", "left"),  L("c2", "a", "left"),
      L("c2", "b", "left"),  L("c2", "c", "right"), L("c3", "a", "right"), L("c3", "b", "right"),
      L("c3", "c", "right"), L("c4", "a", "left"),  L("c4", "b", "right"), L("c4", "c", "tie"),
      L("c5", "a", "left"),  L("c5", "b", "skip")};
  const auto votes = CountVotes(labels);
  EXPECT_DOUBLE_EQ(*PairwiseAgreement(votes.at("c2")), 1.0 / 3.0);
  EXPECT_FALSE(PairwiseAgreement(votes.at("c5")).has_value());
  const Agreement a = MeasureAgreement(votes);
  EXPECT_EQ(a.comparisons, 4);
  EXPECT_NEAR(*a.pairwise, 7.0 / 12.0, 1e-12);
  EXPECT_NEAR(*a.fleiss_kappa, 22.0 / 82.0, 1e-12);
}

TEST(LabelAgreement, KappaIsUndefinedWhenEveryoneAlwaysGivesOneAnswer) {
  const auto votes = CountVotes({L("c1", "a", "left"), L("c1", "b", "left")});
  const Agreement a = MeasureAgreement(votes);
  EXPECT_DOUBLE_EQ(*a.pairwise, 1.0);
  EXPECT_FALSE(a.fleiss_kappa.has_value());
  EXPECT_FALSE(MeasureAgreement({}).pairwise.has_value());
}

TEST(LabelAgreement, MajorityIsTheTopAnswerAndASharedTopIsATie) {
  Votes v;
  v.left = 2;
  v.right = 1;
  EXPECT_EQ(*MajorityChoice(v), "left");
  v.right = 2;
  EXPECT_EQ(*MajorityChoice(v), "tie");
  v = Votes{};
  v.tie = 1;
  EXPECT_EQ(*MajorityChoice(v), "tie");
  EXPECT_FALSE(MajorityChoice(Votes{}).has_value());
}

TEST(LabelAgreement, QueueStatsCountsEachLabeller) {
  testing::ScratchDir dir("label_agreement_stats");
  LabelQueue queue(dir / "labels.db");
  queue.Enqueue({Comparison{"c1", "text", {{"prompt", "p"}, {"left", "a"}, {"right", "b"}}, ""}});
  queue.Record("c1", "ann", "left");
  queue.Record("c1", "bob", "right");
  queue.Record("c1", "cal", "skip");
  const nlohmann::json stats = QueueStats(queue);
  EXPECT_EQ(stats["counts"]["labels"], 3);
  EXPECT_EQ(stats["labellers"]["cal"]["skips"], 1);
  EXPECT_EQ(stats["labellers"]["ann"]["left"], 1);
  EXPECT_EQ(stats["agreement"]["comparisons"], 1);
  EXPECT_EQ(stats["agreement"]["pairwise"], 0.0);
  EXPECT_EQ(stats["agreement"]["per_comparison"][0]["majority"], "tie");
}

}  // namespace
}  // namespace rlab::feedback
