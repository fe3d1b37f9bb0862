// Ensemble aggregation: mean, worst-case and uncertainty-weighted rewards equal their closed
// forms on a hand-made [K=3, N=3] ensemble, and member(index=k) is row k; WCO never exceeds
// the mean; UWO at lambda = 0 is the mean.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/reward/signal/ensemble_aggregation.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::reward {
namespace {

using testing::kDouble;

torch::Tensor Members() {
  return torch::tensor({1.0, 2.0, 0.0, 3.0, 2.0, -1.0, 2.0, 5.0, 1.0}, kDouble).reshape({3, 3});
}

using testing::ExpectValues;

TEST(EnsembleAggregation, MatchesClosedForms) {
  ExpectValues((*MakeEnsembleAggregation("mean"))(Members()), {2.0, 3.0, 0.0});
  ExpectValues((*MakeEnsembleAggregation("wco"))(Members()), {1.0, 2.0, -1.0});
  // Population variances of the columns: 2/3, 2, 2/3.
  ExpectValues((*MakeEnsembleAggregation("uwo(lambda=0.5)"))(Members()),
               {2.0 - 1.0 / 3.0, 2.0, -1.0 / 3.0});
  ExpectValues((*MakeEnsembleAggregation("uwo(lambda=3)"))(Members()), {0.0, -3.0, -2.0});
  ExpectValues((*MakeEnsembleAggregation("member"))(Members()), {1.0, 2.0, 0.0});
  ExpectValues((*MakeEnsembleAggregation("member(index=2)"))(Members()), {2.0, 5.0, 1.0});
}

TEST(EnsembleAggregation, WorstCaseBelowMeanAndUwoAtZeroIsMean) {
  torch::manual_seed(7);
  const torch::Tensor m = torch::randn({5, 200}, kDouble);
  const torch::Tensor mean = (*MakeEnsembleAggregation("mean"))(m);
  EXPECT_TRUE(((*MakeEnsembleAggregation("wco"))(m) <= mean).all().item<bool>());
  EXPECT_TRUE(torch::allclose((*MakeEnsembleAggregation("uwo(lambda=0)"))(m), mean, 0, 1e-15));
  EXPECT_TRUE(((*MakeEnsembleAggregation("uwo(lambda=1)"))(m) <= mean).all().item<bool>());
  // One member: every aggregation is that member.
  const torch::Tensor one = m.slice(0, 0, 1);
  for (const char* spec : {"mean", "wco", "uwo(lambda=2)"}) {
    EXPECT_TRUE(torch::allclose((*MakeEnsembleAggregation(spec))(one), one[0])) << spec;
  }
}

TEST(EnsembleAggregation, BadInputsFail) {
  EXPECT_NE(testing::ErrorOf([] {
              (*MakeEnsembleAggregation("mean"))(torch::zeros({4}, kDouble));
            }).find("[K, N]"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeEnsembleAggregation("uwo(lambda=-1)"); }).find("lambda"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeEnsembleAggregation("median"); }).find("wco"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              (*MakeEnsembleAggregation("member(index=3)"))(Members());
            }).find("3 members"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
