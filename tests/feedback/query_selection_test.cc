// Query selectors (PEBBLE, Lee et al., arXiv:2106.05091; B-Pref, arXiv:2111.03026) on
// hand-made member probabilities.
#include "rlab/feedback/query_selection.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>

#include "rlab/core/check.h"
#include "test_support.h"

namespace rlab::feedback {
namespace {

using testing::ErrorOf;

// 3 members x 5 candidates.
const std::vector<double> kProbs = {
    // c0    c1    c2    c3    c4
    0.50, 0.90, 0.10, 0.99, 0.50,  // member 0
    0.50, 0.10, 0.30, 0.98, 0.60,  // member 1
    0.50, 0.50, 0.50, 0.97, 0.40,  // member 2
};
MemberProbabilities Probs() { return {kProbs, 3, 5}; }

TEST(QuerySelection, DisagreementIsThePopulationStdAcrossMembers) {
  const auto selector = MakeQuerySelector("disagreement");
  EXPECT_EQ(selector->pool_factor(), 10);
  EXPECT_EQ(selector->PoolSize(7), 70);
  const std::vector<double> s = selector->Scores(Probs());
  ASSERT_EQ(s.size(), 5u);
  EXPECT_DOUBLE_EQ(s[0], 0.0);
  EXPECT_NEAR(s[1], std::sqrt((0.16 + 0.16 + 0.0) / 3), 1e-12);
  EXPECT_NEAR(s[2], std::sqrt((0.04 + 0.0 + 0.04) / 3), 1e-12);
  Rng rng(1);
  EXPECT_EQ(selector->Select(Probs(), 2, rng), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(selector->Select(Probs(), 9, rng).size(), 5u);  // at most K
}

TEST(QuerySelection, EntropyOfTheMeanProbabilityAndOfTheMembers) {
  const auto mean = MakeQuerySelector("entropy");
  const std::vector<double> s = mean->Scores(Probs());
  EXPECT_NEAR(s[0], std::log(2.0), 1e-12);  // p = 0.5: the maximum
  EXPECT_NEAR(s[1], std::log(2.0), 1e-12);  // the members disagree but the mean is 0.5
  EXPECT_NEAR(s[2], -(0.3 * std::log(0.3) + 0.7 * std::log(0.7)), 1e-12);
  EXPECT_LT(s[3], 0.1);
  Rng rng(1);
  // c0, c1 and c4 all have mean 0.5; ties go to the lower index.
  EXPECT_EQ(mean->Select(Probs(), 3, rng), (std::vector<int64_t>{0, 1, 4}));
  const auto members = MakeQuerySelector("entropy(of=members, pool=4)");
  EXPECT_EQ(members->PoolSize(5), 20);
  const std::vector<double> m = members->Scores(Probs());
  EXPECT_NEAR(m[1], (2 * BinaryEntropy(0.9) + std::log(2.0)) / 3, 1e-12);
  EXPECT_LT(m[1], s[1]);  // confident members disagreeing: low mean of member entropies
  EXPECT_NE(ErrorOf([] { MakeQuerySelector("entropy(of=max)"); }).find("'mean'"),
            std::string::npos);
}

TEST(QuerySelection, UniformDrawsDistinctCandidatesEvenly) {
  const auto uniform = MakeQuerySelector("uniform");
  EXPECT_FALSE(uniform->NeedsProbabilities());
  EXPECT_EQ(uniform->PoolSize(8), 8);
  Rng rng(9);
  std::vector<int> counts(10, 0);
  const MemberProbabilities no_model{{}, 1, 10};
  for (int i = 0; i < 4000; ++i) {
    const std::vector<int64_t> picked = uniform->Select(no_model, 3, rng);
    ASSERT_EQ(picked.size(), 3u);
    ASSERT_EQ(std::set<int64_t>(picked.begin(), picked.end()).size(), 3u);
    for (int64_t p : picked) ++counts[p];
  }
  for (int c : counts) EXPECT_NEAR(c / 4000.0, 0.3, 0.03);
  Rng a(4), b(4);
  EXPECT_EQ(uniform->Select(no_model, 5, a), uniform->Select(no_model, 5, b));
}

TEST(QuerySelection, TensorInputAndBadProbabilities) {
  const torch::Tensor t = torch::tensor(kProbs, torch::kDouble).view({3, 5}).to(torch::kFloat);
  std::vector<double> storage;
  const MemberProbabilities p = MemberProbabilities::FromTensor(t, storage);
  EXPECT_EQ(p.members, 3);
  EXPECT_EQ(p.candidates, 5);
  Rng rng(1);
  EXPECT_EQ(MakeQuerySelector("disagreement")->Select(p, 1, rng), (std::vector<int64_t>{1}));
  const std::vector<double> bad = {0.5, 1.5};
  EXPECT_NE(ErrorOf([&] {
              MakeQuerySelector("entropy")->Scores({bad, 1, 2});
            }).find("candidate 1: probability 1.5"),
            std::string::npos);
  const std::vector<double> wrong = {0.5, 0.5, 0.5};
  EXPECT_THROW(MakeQuerySelector("disagreement")->Scores({wrong, 2, 2}), Error);
  EXPECT_THROW(MakeQuerySelector("disagreement(pool=0)"), Error);
  const std::string unknown = ErrorOf([] { MakeQuerySelector("kcenter"); });
  EXPECT_NE(unknown.find("disagreement, entropy, uniform"), std::string::npos) << unknown;
}

TEST(QuerySelection, BinaryEntropyEdges) {
  EXPECT_EQ(BinaryEntropy(0.0), 0.0);
  EXPECT_EQ(BinaryEntropy(1.0), 0.0);
  EXPECT_NEAR(BinaryEntropy(0.5), std::log(2.0), 1e-15);
  EXPECT_NEAR(BinaryEntropy(0.3), BinaryEntropy(0.7), 1e-15);
}

}  // namespace
}  // namespace rlab::feedback
