// TRL's metric names that the preference objectives add: logits/chosen and logits/rejected
// (the mean logit over the vocabulary per completion token, from the sums SequenceLogps
// returns), KTO's per-batch sums and counts and its "kl" on training batches only (held out,
// eval_kl is the KL of the policy's samples); a run-wide label_smoothing that no loss reads is
// refused; the objective hands bco_pair's running mean to checkpoints.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/checkpoint.h"
#include "rlab/models/transformer/presets.h"
#include "rlab/prefopt/policy_objective.h"
#include "rlab/prefopt/sequence_logps.h"
#include "rlab/text/token_batch.h"
#include "policy_loss_support.h"
#include "sft_example_support.h"
#include "test_support.h"

// A named namespace of its own: the unity build compiles this file with other tests.
namespace rlab::prefopt::trl_metric_names_test {
namespace {

using rlab::testing::PolicyMetric;
using rlab::testing::PolicyUnitPointers;
using rlab::testing::PromptCompletion;

bool Has(const PolicyLossResult& r, const std::string& name) {
  for (const auto& [k, v] : r.metrics) {
    if (k == name) return true;
  }
  return false;
}

torch::Tensor Doubles(const std::vector<double>& v) { return torch::tensor(v, torch::kFloat64); }

TEST(TrlMetricNames, PairwiseLogitsAreMeanLogitsPerCompletionToken) {
  const std::vector<PolicyUnit> units = {{{0, 1}}, {{2, 3}}};
  SequenceScores s{Doubles({-3.0, -5.0, -4.0, -2.0}), Doubles({-3.5, -4.5, -4.0, -2.5}),
                   Doubles({3.0, 4.0, 2.0, 2.0}), Doubles({0.6, -2.0, 0.9, 1.0})};
  const auto objective = MakePolicyObjective({});
  const PolicyLossResult r = objective->Loss(PolicyUnitPointers(units), s);
  EXPECT_NEAR(PolicyMetric(r, "logits/chosen"), (0.6 + 0.9) / (3.0 + 2.0), 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "logits/rejected"), (-2.0 + 1.0) / (4.0 + 2.0), 1e-12);
  s.logit_sums = torch::Tensor();  // a caller without logits: the figures are left out
  EXPECT_FALSE(Has(objective->Loss(PolicyUnitPointers(units), s), "logits/chosen"));
}

TEST(TrlMetricNames, KtoLogsSumsCountsAndKlOnTrainingBatchesOnly) {
  const std::vector<PolicyUnit> units = {{{0, 1}, true}, {{2, 3}, false}, {{4, 5}, true}};
  const SequenceScores s{
      Doubles({-5.0, -8.0, -4.0, -9.0, -2.0, -7.0}), Doubles({-5.5, -8.5, -3.0, -9.3, -2.2, -7.5}),
      Doubles({2.0, 3.0, 4.0, 1.0, 1.0, 2.0}), Doubles({1.0, 0.0, 2.0, 0.0, 3.0, 0.0})};
  PolicyObjectiveOptions o;
  o.loss_type = {"kto"};
  o.beta = 0.5;
  const auto objective = MakePolicyObjective(o);
  const PolicyLossResult r = objective->Loss(PolicyUnitPointers(units), s);
  EXPECT_NEAR(PolicyMetric(r, "rewards/chosen_sum"), 0.5 * (0.5 + 0.2), 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "rewards/rejected_sum"), 0.5 * -1.0, 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "logps/chosen_sum"), -7.0, 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "logps/rejected_sum"), -4.0, 1e-12);
  EXPECT_EQ(PolicyMetric(r, "count/chosen"), 2.0);
  EXPECT_EQ(PolicyMetric(r, "count/rejected"), 1.0);
  EXPECT_NEAR(PolicyMetric(r, "logits/chosen"), (1.0 + 3.0) / (2.0 + 1.0), 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "logits/rejected"), 2.0 / 4.0, 1e-12);
  // z = max(0, mean of the mismatched log-ratios), TRL's "kl".
  const double z = std::max(0.0, (0.5 + 0.3 + 0.5) / 3);
  EXPECT_NEAR(PolicyMetric(r, "kl"), z, 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "reference_point"), z, 1e-12);
  const torch::NoGradGuard held_out;
  const PolicyLossResult e = objective->Loss(PolicyUnitPointers(units), s);
  EXPECT_FALSE(Has(e, "kl")) << "eval_kl is the KL of the policy's samples";
  EXPECT_NEAR(PolicyMetric(e, "reference_point"), z, 1e-12);
}

TEST(TrlMetricNames, SequenceLogpsSumsTheMeanLogitOfEachCompletionToken) {
  torch::manual_seed(7);
  models::Transformer policy(*models::FindPreset("tiny", 16));
  const std::vector<data::SftExample> sequences = {PromptCompletion({1, 2}, {7, 8, 9}),
                                                   PromptCompletion({1, 3, 4}, {10})};
  const std::vector<int64_t> rows = {0, 1};
  const BatchLogps got = SequenceLogps(policy, sequences, rows, 0);
  const data::TokenBatch b = data::CollateRightPadded(sequences, rows, 0);
  const torch::Tensor logits = policy(b.ids, b.attention_mask).detach();  // [2, T, V]
  for (int64_t row = 0; row < 2; ++row) {
    double want = 0.0;
    for (int64_t t = 0; t + 1 < b.ids.size(1); ++t) {
      // The logits at t predict the token at t + 1.
      if (b.loss_mask[row][t + 1].item<bool>()) want += logits[row][t].mean().item<double>();
    }
    EXPECT_NEAR(got.logit_sums[row].item<double>(), want, 1e-4) << row;
  }
  EXPECT_FALSE(got.logit_sums.requires_grad());
}

TEST(TrlMetricNames, LabelSmoothingThatNoLossReadsIsRefused) {
  PolicyObjectiveOptions o;
  o.label_smoothing = 0.1;
  const std::string msg = testing::ErrorOf([&] { MakePolicyObjective(o); });
  EXPECT_NE(msg.find("cdpo"), std::string::npos) << msg;
  o.loss_type = {"sigmoid", "robust"};
  EXPECT_EQ(MakePolicyObjective(o)->Describe(),
            "1 * sigmoid(beta=0.1) + 1 * robust(beta=0.1, label_smoothing=0.1)");
  o.loss_type = {"cdpo"};
  EXPECT_EQ(MakePolicyObjective(o)->Describe(), "cdpo(beta=0.1, label_smoothing=0.1)");
}

TEST(TrlMetricNames, ObjectiveCheckpointsBcoPairsRunningMean) {
  testing::ScratchDir dir("objective_state");
  PolicyObjectiveOptions o;
  o.loss_type = {"sigmoid", "bco_pair"};
  const std::vector<PolicyUnit> units = {{{0, 1}}};
  const SequenceScores s{Doubles({-3.0, -5.0}), Doubles({-3.5, -4.5}), Doubles({3.0, 4.0})};
  const auto trained = MakePolicyObjective(o), resumed = MakePolicyObjective(o);
  trained->Loss(PolicyUnitPointers(units), s);
  CheckpointState saved, restored;
  trained->AddStateTo(saved);
  resumed->AddStateTo(restored);
  saved.Save(dir / "state.pt", {{"step", 1}});
  restored.Load(dir / "state.pt");
  EXPECT_EQ(trained->Loss(PolicyUnitPointers(units), s).loss.item<double>(),
            resumed->Loss(PolicyUnitPointers(units), s).loss.item<double>());
}

}  // namespace
}  // namespace rlab::prefopt::trl_metric_names_test
