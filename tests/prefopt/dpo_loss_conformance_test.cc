// Properties every registered DPO loss must have, checked over the whole registry so that a new
// entry is tested the moment it is registered: constructible from its name alone with finite
// values and finite gradients in double precision, a scalar loss and detached [B] rewards in the
// input's dtype, the batch mean of per-pair losses (so batching and permuting pairs change
// nothing but rounding), bit-identical results from two instances, reference-free losses that
// need no reference, and errors that list the valid names and keys.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "numeric_support.h"
#include "registry_conformance.h"
#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/prefopt/dpo_losses.h"
#include "test_support.h"

namespace rlab::prefopt {
namespace {

// Losses whose value on a batch is not the mean of their values on its pairs, by design: aot
// and aot_unpaired pair the i-th smallest margins of the whole batch; sft is TRL's per-token
// mean over all the batch's chosen tokens; bco_pair shifts by a running mean that every
// training batch moves.
const std::set<std::string> kDpoLossesNotPerPair = {"aot", "aot_unpaired", "bco_pair", "sft"};

// Losses whose state moves with every training batch (bco_pair's running mean): the same
// instance called twice gives two values; two fresh instances still agree.
const std::set<std::string> kDpoLossesWithRunningState = {"bco_pair"};

// Rounding of double-precision sums taken in another order: one scale for every comparison
// of a batch with its rows or its permutation.
constexpr double kDpoReorderTolerance = 1e-12;

std::vector<std::string> AllDpoLosses() {
  RegisterDpoLosses();
  return DpoLosses().List();
}

// A batch of `n` pairs drawn from `seed`: summed log-probs of completions of 1 to 12 tokens, at
// -0.05 to -3 nats a token, the reference near the policy. Double precision.
PreferenceLogps RandomDpoBatch(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> chosen, rejected, ref_chosen, ref_rejected, chosen_tokens, rejected_tokens;
  for (int64_t i = 0; i < n; ++i) {
    const double lc = static_cast<double>(1 + rng.UniformInt(12));
    const double lr = static_cast<double>(1 + rng.UniformInt(12));
    chosen_tokens.push_back(lc);
    rejected_tokens.push_back(lr);
    chosen.push_back(-lc * rng.Uniform(0.05, 3.0));
    rejected.push_back(-lr * rng.Uniform(0.05, 3.0));
    ref_chosen.push_back(chosen.back() + rng.Normal(0.0, 0.5));
    ref_rejected.push_back(rejected.back() + rng.Normal(0.0, 0.5));
  }
  const auto t = [](const std::vector<double>& v) { return torch::tensor(v, testing::kDouble); };
  PreferenceLogps batch{t(chosen),       t(rejected),      t(ref_chosen),
                        t(ref_rejected), t(chosen_tokens), t(rejected_tokens)};
  // The data's reward margins (for the losses that read them), drawn after the log-probs.
  std::vector<double> margins;
  for (int64_t i = 0; i < n; ++i) margins.push_back(rng.Normal(0.5, 1.0));
  batch.margins = t(margins);
  // The token-level inputs (for the losses that weigh tokens), drawn last: [n, 12] log-ratios
  // that sum over a row to its completion's, 0 past its end, and token rewards in [-1, 1].
  std::vector<torch::Tensor*> ratios = {&batch.chosen_token_ratios, &batch.rejected_token_ratios};
  std::vector<torch::Tensor*> rewards = {&batch.chosen_token_rewards,
                                         &batch.rejected_token_rewards};
  const std::vector<torch::Tensor> totals = {batch.chosen - batch.ref_chosen,
                                             batch.rejected - batch.ref_rejected};
  const std::vector<std::vector<double>*> lengths = {&chosen_tokens, &rejected_tokens};
  for (std::size_t side = 0; side < 2; ++side) {
    std::vector<double> share(n * 12, 0.0), reward(n * 12, 0.0);
    for (int64_t i = 0; i < n; ++i) {
      const auto len = static_cast<int64_t>((*lengths[side])[i]);
      for (int64_t k = 0; k < len; ++k) {
        share[i * 12 + k] = rng.Uniform(0.5, 1.5);
        reward[i * 12 + k] = rng.Uniform(-1.0, 1.0);
      }
    }
    const torch::Tensor w = t(share).view({n, 12});
    *ratios[side] = w / w.sum(1, true) * totals[side].unsqueeze(1);  // [n, 12]
    *rewards[side] = t(reward).view({n, 12});                        // [n, 12]
  }
  return batch;
}

// Rows `index` ([K] int64) of every tensor of the batch.
PreferenceLogps SelectDpoRows(const PreferenceLogps& p, const torch::Tensor& index) {
  PreferenceLogps rows{
      p.chosen.index_select(0, index),        p.rejected.index_select(0, index),
      p.ref_chosen.index_select(0, index),    p.ref_rejected.index_select(0, index),
      p.chosen_tokens.index_select(0, index), p.rejected_tokens.index_select(0, index),
      p.margins.index_select(0, index)};
  rows.chosen_token_ratios = p.chosen_token_ratios.index_select(0, index);
  rows.rejected_token_ratios = p.rejected_token_ratios.index_select(0, index);
  rows.chosen_token_rewards = p.chosen_token_rewards.index_select(0, index);
  rows.rejected_token_rewards = p.rejected_token_rewards.index_select(0, index);
  return rows;
}

class DpoLossConformance : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<DpoLoss> MakeLoss() const { return MakeDpoLoss(GetParam()); }
};

TEST_P(DpoLossConformance, ValuesAndGradientsAreFiniteInDoublePrecision) {
  const auto loss = MakeLoss();
  PreferenceLogps p = RandomDpoBatch(8, 1);
  p.chosen.requires_grad_(true);
  p.rejected.requires_grad_(true);
  const DpoLossOutput out = (*loss)(p);
  ASSERT_EQ(out.loss.dim(), 0) << "the loss must be a scalar";
  EXPECT_EQ(out.loss.scalar_type(), torch::kFloat64);
  EXPECT_TRUE(std::isfinite(out.loss.item<double>())) << out.loss.item<double>();
  // A loss may leave one side out (sft reads only the chosen completions): its gradient is
  // then undefined and counts as zero.
  const auto grads = torch::autograd::grad({out.loss}, {p.chosen, p.rejected}, {}, c10::nullopt,
                                           /*create_graph=*/false, /*allow_unused=*/true);
  double moved = 0.0;
  for (const torch::Tensor& g : grads) {
    if (!g.defined()) continue;
    ASSERT_EQ(g.sizes(), p.chosen.sizes());
    EXPECT_TRUE(torch::isfinite(g).all().item<bool>()) << g;
    moved += g.abs().sum().item<double>();
  }
  // The policy's log-probs move the loss: a loss with zero gradient would never train.
  EXPECT_GT(moved, 0.0);
}

TEST_P(DpoLossConformance, RewardsAreDetachedRowsInTheInputDtype) {
  const auto loss = MakeLoss();
  PreferenceLogps p = RandomDpoBatch(5, 2);
  p.chosen.requires_grad_(true);
  p.rejected.requires_grad_(true);
  const DpoLossOutput out = (*loss)(p);
  for (const torch::Tensor& r : {out.chosen_rewards, out.rejected_rewards}) {
    ASSERT_TRUE(r.defined());
    EXPECT_EQ(r.sizes(), p.chosen.sizes());
    EXPECT_EQ(r.scalar_type(), torch::kFloat64);
    EXPECT_FALSE(r.requires_grad()) << "logged rewards must be detached";
    EXPECT_TRUE(torch::isfinite(r).all().item<bool>()) << r;
  }
  // Single precision in, single precision out.
  PreferenceLogps f = RandomDpoBatch(5, 2);
  for (torch::Tensor* t : {&f.chosen, &f.rejected, &f.ref_chosen, &f.ref_rejected}) {
    *t = t->to(torch::kFloat32);
  }
  EXPECT_EQ((*loss)(f).loss.scalar_type(), torch::kFloat32);
}

TEST_P(DpoLossConformance, BatchLossIsTheMeanOfItsPairsLosses) {
  if (kDpoLossesNotPerPair.count(GetParam())) GTEST_SKIP() << "not a per-pair mean by design";
  const auto loss = MakeLoss();
  const int64_t n = 6;
  const PreferenceLogps p = RandomDpoBatch(n, 3);
  const DpoLossOutput whole = (*loss)(p);
  double mean = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const DpoLossOutput row = (*loss)(SelectDpoRows(p, torch::tensor({i})));
    mean += row.loss.item<double>() / n;
    EXPECT_NEAR(row.chosen_rewards.item<double>(), whole.chosen_rewards[i].item<double>(),
                kDpoReorderTolerance);
    EXPECT_NEAR(row.rejected_rewards.item<double>(), whole.rejected_rewards[i].item<double>(),
                kDpoReorderTolerance);
  }
  EXPECT_NEAR(whole.loss.item<double>(), mean, kDpoReorderTolerance);
}

TEST_P(DpoLossConformance, PermutingThePairsPermutesTheRewards) {
  if (kDpoLossesNotPerPair.count(GetParam())) GTEST_SKIP() << "not a per-pair mean by design";
  const auto loss = MakeLoss();
  const PreferenceLogps p = RandomDpoBatch(7, 4);
  const torch::Tensor order = torch::tensor({3, 0, 6, 1, 5, 2, 4});
  const DpoLossOutput whole = (*loss)(p), permuted = (*loss)(SelectDpoRows(p, order));
  EXPECT_NEAR(permuted.loss.item<double>(), whole.loss.item<double>(), kDpoReorderTolerance);
  EXPECT_TRUE(torch::equal(permuted.chosen_rewards, whole.chosen_rewards.index_select(0, order)));
  EXPECT_TRUE(
      torch::equal(permuted.rejected_rewards, whole.rejected_rewards.index_select(0, order)));
}

TEST_P(DpoLossConformance, TwoInstancesGiveBitIdenticalResults) {
  const auto a = MakeLoss(), b = MakeLoss();
  EXPECT_EQ(a->Describe(), b->Describe());
  const PreferenceLogps p = RandomDpoBatch(9, 5);
  const DpoLossOutput x = (*a)(p), y = (*b)(p), again = (*a)(p);
  EXPECT_TRUE(torch::equal(x.loss, y.loss));
  if (!kDpoLossesWithRunningState.count(GetParam())) {
    EXPECT_TRUE(torch::equal(x.loss, again.loss));
  }
  EXPECT_TRUE(torch::equal(x.chosen_rewards, y.chosen_rewards));
  EXPECT_TRUE(torch::equal(x.rejected_rewards, y.rejected_rewards));
}

TEST_P(DpoLossConformance, ReferenceIsUsedExactlyWhenDeclared) {
  const auto loss = MakeLoss();
  PreferenceLogps p = RandomDpoBatch(4, 6);
  if (loss->NeedsReference()) {
    p.ref_chosen = torch::Tensor();
    p.ref_rejected = torch::Tensor();
    const std::string msg = testing::ErrorOf([&] { (*loss)(p); });
    EXPECT_NE(msg.find("reference"), std::string::npos) << "message: '" << msg << "'";
    return;
  }
  // A reference-free loss runs without the reference's log-probs and ignores them when given.
  const DpoLossOutput with = (*loss)(p);
  p.ref_chosen = torch::Tensor();
  p.ref_rejected = torch::Tensor();
  EXPECT_TRUE(torch::equal((*loss)(p).loss, with.loss));
}

TEST_P(DpoLossConformance, UnknownKeyFailsListingTheValidKeys) {
  testing::ExpectUnknownKeyListsTheValidKeys(DpoLosses(), GetParam(),
                                             [](const std::string& spec) { MakeDpoLoss(spec); });
}

TEST(DpoLossRegistry, UnknownNameFailsListingEveryLoss) {
  RegisterDpoLosses();
  testing::ExpectUnknownNameListsEveryEntry(DpoLosses(),
                                            [](const std::string& spec) { MakeDpoLoss(spec); });
}

INSTANTIATE_TEST_SUITE_P(AllDpoLosses, DpoLossConformance, ::testing::ValuesIn(AllDpoLosses()),
                         testing::RegistryEntryTestName);

}  // namespace
}  // namespace rlab::prefopt
