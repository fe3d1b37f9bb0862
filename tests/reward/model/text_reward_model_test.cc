// Text reward models on disk and in use: a single model and an ensemble save and load with
// their objective and tokenizer, every member's output stays available, an objective whose
// head size does not fit is refused, and WARM's average is the element-wise parameter mean.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "rlab/reward/model/text_reward_model.h"
#include "reward/small_llama_config.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

models::TransformerConfig SmallConfig() {
  return testing::SmallLlamaConfig(models::ByteTokenizer().vocab_size(), 32);
}

models::SequenceRewardModel Member(uint64_t seed, int64_t labels = 1) {
  torch::manual_seed(seed);
  models::SequenceRewardModel m(SmallConfig(), labels);
  m->eval();
  return m;
}

const torch::Tensor kIds = torch::tensor({{1, 70, 71, 2}, {1, 72, 2, 0}});
const torch::Tensor kMask = torch::tensor({{1, 1, 1, 1}, {1, 1, 1, 0}});

TEST(TextRewardModel, SingleModelRoundTripsWithObjectiveAndTokenizer) {
  testing::ScratchDir dir("text_rm_single");
  models::ByteTokenizer bytes;
  auto m = Member(1, 3);
  SaveRewardModelDir(m, "quantile(quantiles=3)", &bytes, {}, dir.path());
  TextRewardModel back = LoadTextRewardModel(dir.path());
  EXPECT_EQ(back.size(), 1);
  EXPECT_EQ(back.objective().head_size(), 3);
  EXPECT_EQ(back.tokenizer().vocab_size(), bytes.vocab_size());
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(back.Outputs(kIds, kMask), m->Outputs(kIds, kMask)));
  EXPECT_EQ(back.MemberRewards(kIds, kMask).sizes(), (std::vector<int64_t>{1, 2}));
}

TEST(TextRewardModel, EnsembleExposesEveryMember) {
  testing::ScratchDir dir("text_rm_ensemble");
  models::ByteTokenizer bytes;
  auto a = Member(1), b = Member(2);
  SaveRewardModelDir(a, "bradley_terry", &bytes, {}, dir / "member_0");
  SaveRewardModelDir(b, "bradley_terry", &bytes, {}, dir / "member_1");
  WriteEnsembleIndex(dir.path(), {"member_0", "member_1"});
  ASSERT_TRUE(IsEnsembleDir(dir.path()));
  TextRewardModel ensemble = LoadTextRewardModel(dir.path());
  ASSERT_EQ(ensemble.size(), 2);
  torch::NoGradGuard no_grad;
  const torch::Tensor rewards = ensemble.MemberRewards(kIds, kMask);  // [2, 2]
  EXPECT_TRUE(torch::equal(rewards[0], a(kIds, kMask)));
  EXPECT_TRUE(torch::equal(rewards[1], b(kIds, kMask)));
  EXPECT_TRUE(torch::allclose(ensemble.Outputs(kIds, kMask).squeeze(1), rewards.mean(0)));
}

TEST(TextRewardModel, ScoresTextsLikeTheTokenizedBatch) {
  models::ByteTokenizer bytes;
  auto a = Member(1), b = Member(2);
  TextRewardModel model({a, b}, "bradley_terry", std::make_unique<models::ByteTokenizer>());
  const torch::Tensor rewards = model.MemberRewardsOfTexts(
      {"sea:", "farm:", "sky:"}, {" fish.", " cow cow.", " star."}, 512, 2);
  ASSERT_EQ(rewards.sizes(), (std::vector<int64_t>{2, 3}));
  // The second text alone: BOS + "farm: cow cow." + EOS.
  std::vector<int64_t> ids = bytes.EncodeWithBos("farm: cow cow.");
  ids.push_back(*bytes.eos_id());
  const torch::Tensor alone = torch::tensor(ids).unsqueeze(0);
  torch::NoGradGuard no_grad;
  const torch::Tensor mask = torch::ones_like(alone);
  EXPECT_NEAR(rewards[1][1].item<float>(), b(alone, mask)[0].item<float>(), 1e-5);
  EXPECT_NEAR(rewards[0][1].item<float>(), a(alone, mask)[0].item<float>(), 1e-5);
}

TEST(TextRewardModel, HeadThatDoesNotFitTheObjectiveIsRefused) {
  testing::ScratchDir dir("text_rm_mismatch");
  models::ByteTokenizer bytes;
  SaveRewardModelDir(Member(1, 2), "bradley_terry", &bytes, {}, dir.path());
  EXPECT_NE(testing::ErrorOf([&] { LoadTextRewardModel(dir.path()); }).find("2 outputs"),
            std::string::npos);
  auto gpm = Member(1, 4);
  std::vector<models::SequenceRewardModel> members = {gpm};
  TextRewardModel model(members, "gpm(dims=4)", std::make_unique<models::ByteTokenizer>());
  EXPECT_NE(testing::ErrorOf([&] { model.MemberRewards(kIds, kMask); }).find("pairwise"),
            std::string::npos);
}

TEST(TextRewardModel, WarmAveragesParametersElementWise) {
  auto a = Member(1), b = Member(2), c = Member(3);
  auto average = AverageWeights({a, b, c});
  const auto pa = a->named_parameters(), pb = b->named_parameters(), pc = c->named_parameters();
  for (const auto& p : average->named_parameters()) {
    const torch::Tensor expected = (pa[p.key()] + pb[p.key()] + pc[p.key()]) / 3.0;
    EXPECT_TRUE(torch::allclose(p.value(), expected, 1e-6, 1e-7)) << p.key();
  }
  // Averaging one model gives it back.
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(AverageWeights({a})->Outputs(kIds, kMask), a->Outputs(kIds, kMask)));
}

}  // namespace
}  // namespace rlab::reward
