// The policy-objective registry: kto and pro are entries made from specs, their numbers are
// kto_loss's and pro_loss's, a bad key lists the valid ones, the run's beta fills in where a
// spec leaves it out, and an unknown loss_type lists every valid name.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/prefopt/kto_loss.h"
#include "rlab/prefopt/policy_objective.h"
#include "rlab/prefopt/pro_loss.h"
#include "test_support.h"

namespace rlab::prefopt {
namespace {

using testing::Contains;
using testing::ErrorOf;

std::vector<const PolicyUnit*> UnitPointers(const std::vector<PolicyUnit>& units) {
  std::vector<const PolicyUnit*> out;
  for (const auto& u : units) out.push_back(&u);
  return out;
}

TEST(PolicyObjectiveRegistry, KtoAndProAreEntries) {
  RegisterPolicyObjectives();
  RegisterPolicyObjectives();  // a second call changes nothing
  EXPECT_EQ(PolicyObjectives().List(), (std::vector<std::string>{"kto", "pro"}));
  EXPECT_EQ(PolicyObjectives().Create("kto")->family(), PolicyLossFamily::kUnpaired);
  EXPECT_EQ(PolicyObjectives().Create("pro")->family(), PolicyLossFamily::kRanking);
  EXPECT_FALSE(PolicyObjectives().Create("pro")->NeedsReference());
  EXPECT_EQ(PolicyObjectives().Create("kto(desirable_weight=2)")->Describe(),
            "kto(beta=0.1, desirable_weight=2, undesirable_weight=1)");
}

TEST(PolicyObjectiveRegistry, KtoEqualsTheLossCalledDirectly) {
  RegisterPolicyObjectives();
  const std::vector<PolicyUnit> units = {{{0, 1}, true}, {{2, 3}, false}, {{4, 5}, true}};
  const torch::Tensor logps = torch::tensor({-5.0, -8.0, -4.0, -9.0, -6.0, -7.5}, torch::kFloat64);
  const torch::Tensor ref = torch::tensor({-5.5, -8.5, -3.0, -9.3, -6.2, -7.0}, torch::kFloat64);
  const auto objective =
      PolicyObjectives().Create("kto(beta=0.3, desirable_weight=1.5, undesirable_weight=0.5)");
  const PolicyLossResult r = objective->Loss(UnitPointers(units), {logps, ref, torch::ones({6})});
  KtoOptions o;
  o.beta = 0.3;
  o.desirable_weight = 1.5;
  o.undesirable_weight = 0.5;
  const KtoOutput direct = KtoLoss(
      {torch::tensor({-5.0, -4.0, -6.0}, torch::kFloat64),
       torch::tensor({-5.5, -3.0, -6.2}, torch::kFloat64), torch::tensor({true, false, true}),
       torch::tensor({-8.0, -9.0, -7.5}, torch::kFloat64),
       torch::tensor({-8.5, -9.3, -7.0}, torch::kFloat64)},
      o);
  EXPECT_EQ(r.loss.item<double>(), direct.loss.item<double>());
}

TEST(PolicyObjectiveRegistry, ProEqualsTheLossCalledDirectly) {
  RegisterPolicyObjectives();
  const std::vector<PolicyUnit> units = {{{0, 1, 2}}, {{3, 4, 5}}};
  const torch::Tensor logps = torch::tensor({-1.0, -4.0, -6.0, -2.0, -1.5, -3.0}, torch::kFloat64);
  const torch::Tensor tokens = torch::tensor({1.0, 2.0, 3.0, 2.0, 1.0, 4.0}, torch::kFloat64);
  const PolicyLossResult r =
      PolicyObjectives()
          .Create("pro(sft_weight=0.25)")
          ->Loss(UnitPointers(units), {logps, torch::zeros({6}, torch::kFloat64), tokens});
  const double direct = ProLoss(logps.view({2, 3}), tokens.view({2, 3}), 0.25).item<double>();
  EXPECT_EQ(r.loss.item<double>(), direct);
}

TEST(PolicyObjectiveRegistry, BadKeysAndNamesListTheValidOnes) {
  RegisterPolicyObjectives();
  const std::string kto = ErrorOf([] { PolicyObjectives().Create("kto(gamma=1)"); });
  EXPECT_TRUE(Contains(kto, "valid keys: beta, desirable_weight, undesirable_weight")) << kto;
  const std::string pro = ErrorOf([] { PolicyObjectives().Create("pro(beta=1)"); });
  EXPECT_TRUE(Contains(pro, "valid keys: sft_weight")) << pro;
  PolicyObjectiveOptions o;
  o.loss_type = {"dpo"};
  const std::string unknown = ErrorOf([&] { MakePolicyObjective(o); });
  EXPECT_TRUE(Contains(unknown, "sigmoid") && Contains(unknown, "kto, pro")) << unknown;
}

TEST(PolicyObjectiveRegistry, TheRunsBetaFillsInWhereTheSpecLeavesItOut) {
  PolicyObjectiveOptions o;
  o.beta = 0.5;
  o.label_smoothing = 0.2;  // kto takes no label smoothing: left out
  o.loss_type = {"kto"};
  EXPECT_EQ(MakePolicyObjective(o)->Describe(),
            "kto(beta=0.5, desirable_weight=1, undesirable_weight=1)");
  o.loss_type = {"kto(beta=2)"};
  EXPECT_EQ(MakePolicyObjective(o)->Describe(),
            "kto(beta=2, desirable_weight=1, undesirable_weight=1)");
  o.loss_type = {"pro"};
  EXPECT_EQ(MakePolicyObjective(o)->Describe(), "pro(sft_weight=0)");
  o.loss_type = {"kto", "sigmoid"};
  EXPECT_TRUE(Contains(ErrorOf([&] { MakePolicyObjective(o); }), "cannot be combined"));
}

}  // namespace
}  // namespace rlab::prefopt
