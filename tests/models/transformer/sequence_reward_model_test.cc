// The sequence reward model reads the last real token whatever the padding, saves and loads
// bit-exactly in the Hugging Face layout, and takes a causal LM as its backbone.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "rlab/core/io.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "rlab/models/transformer/sequence_reward_model.h"
#include "test_support.h"
#include "tiny_configs.h"

namespace rlab::models {
namespace {

TEST(SequenceRewardModel, LastRealIndex) {
  const torch::Tensor mask = torch::tensor({{1, 1, 1, 0, 0}, {0, 0, 1, 1, 1}, {1, 1, 1, 1, 1}});
  EXPECT_TRUE(torch::equal(LastRealIndex(mask), torch::tensor({2L, 4L, 4L})));
}

class SequenceRewardModelTest : public ::testing::TestWithParam<TransformerConfig> {};

TEST_P(SequenceRewardModelTest, PaddingSideDoesNotChangeTheReward) {
  torch::manual_seed(3);
  SequenceRewardModel rm(GetParam());
  rm->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor right = torch::tensor({{5, 6, 7, 0, 0}, {1, 2, 3, 4, 5}});
  const torch::Tensor right_mask = torch::tensor({{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}});
  const torch::Tensor left = torch::tensor({{0, 0, 5, 6, 7}, {1, 2, 3, 4, 5}});
  const torch::Tensor left_mask = torch::tensor({{0, 0, 1, 1, 1}, {1, 1, 1, 1, 1}});
  const torch::Tensor alone = rm(torch::tensor({{5, 6, 7}}), torch::ones({1, 3}, torch::kInt64));
  const torch::Tensor a = rm(right, right_mask), b = rm(left, left_mask);
  EXPECT_EQ(a.sizes(), (std::vector<int64_t>{2}));
  EXPECT_NEAR(a[0].item<float>(), alone[0].item<float>(), 1e-5);
  EXPECT_NEAR(b[0].item<float>(), alone[0].item<float>(), 1e-5);
  EXPECT_NEAR(a[1].item<float>(), b[1].item<float>(), 1e-6);
  // A token after the last real one (padding) never matters.
  const torch::Tensor other_pad = torch::tensor({{5, 6, 7, 9, 9}, {1, 2, 3, 4, 5}});
  EXPECT_TRUE(torch::equal(rm(other_pad, right_mask), a));
}

TEST_P(SequenceRewardModelTest, SavesAndLoadsBitExactly) {
  rlab::testing::ScratchDir dir("sequence_reward_model");
  torch::manual_seed(4);
  SequenceRewardModel rm(GetParam());
  SaveSequenceRewardModel(rm, dir.path());
  const auto config = nlohmann::json::parse(ReadFile(dir / "config.json"));
  EXPECT_EQ(config["num_labels"], 1);
  EXPECT_NE(config["architectures"][0].get<std::string>().find("ForSequenceClassification"),
            std::string::npos);
  SequenceRewardModel back = LoadSequenceRewardModel(dir.path());
  const torch::Tensor ids = torch::tensor({{1, 2, 3, 4}});
  const torch::Tensor mask = torch::ones({1, 4}, torch::kInt64);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(rm(ids, mask), back(ids, mask)));
}

TEST_P(SequenceRewardModelTest, CausalLmLoadsAsBackbone) {
  rlab::testing::ScratchDir dir("reward_backbone");
  torch::manual_seed(5);
  Transformer lm(GetParam());
  SaveHfTransformer(lm, dir.path());
  SequenceRewardModel rm = LoadSequenceRewardModel(dir.path());
  const torch::Tensor ids = torch::tensor({{3, 1, 4}});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(lm->Hidden(ids), rm->backbone->Hidden(ids)));
}

TEST_P(SequenceRewardModelTest, SeveralOutputsSaveAndLoadWithTheirCount) {
  rlab::testing::ScratchDir dir("sequence_reward_model_labels");
  torch::manual_seed(6);
  SequenceRewardModel rm(GetParam(), 4);
  SaveSequenceRewardModel(rm, dir.path(), {{"extra_key", "kept"}});
  const auto config = nlohmann::json::parse(ReadFile(dir / "config.json"));
  EXPECT_EQ(config["num_labels"], 4);
  EXPECT_EQ(config["id2label"].size(), 4u);
  EXPECT_EQ(config["extra_key"], "kept");
  EXPECT_TRUE(IsSequenceClassificationDir(dir.path()));
  SequenceRewardModel back = LoadSequenceRewardModel(dir.path());
  EXPECT_EQ(back->num_labels(), 4);
  const torch::Tensor ids = torch::tensor({{1, 2, 3}, {4, 5, 6}});
  const torch::Tensor mask = torch::ones({2, 3}, torch::kInt64);
  torch::NoGradGuard no_grad;
  EXPECT_EQ(rm->Outputs(ids, mask).sizes(), (std::vector<int64_t>{2, 4}));
  EXPECT_TRUE(torch::equal(rm->Outputs(ids, mask), back->Outputs(ids, mask)));
  EXPECT_NE(rlab::testing::ErrorOf([&] { rm(ids, mask); }).find("4 outputs"), std::string::npos);
}

TEST_P(SequenceRewardModelTest, RewardModelFromLanguageModelCopiesTheBackbone) {
  torch::manual_seed(7);
  Transformer lm(GetParam());
  SequenceRewardModel rm = RewardModelFromLanguageModel(lm, 2);
  EXPECT_EQ(rm->num_labels(), 2);
  EXPECT_FALSE(IsSequenceClassificationDir("/nonexistent"));
  const torch::Tensor ids = torch::tensor({{3, 1, 4, 1}});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(lm->Hidden(ids), rm->backbone->Hidden(ids)));
}

TEST_P(SequenceRewardModelTest, SumPoolingAddsTheHeadOverRealTokensAndIsSaved) {
  rlab::testing::ScratchDir dir("sequence_reward_model_sum");
  torch::manual_seed(8);
  SequenceRewardModel rm(GetParam(), 1, ScorePooling::kSum);
  rm->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor ids = torch::tensor({{5, 6, 7, 0}, {0, 1, 2, 3}});
  const torch::Tensor mask = torch::tensor({{1, 1, 1, 0}, {0, 1, 1, 1}});
  // The head at every position of each row alone, summed by hand.
  for (int64_t row = 0; row < 2; ++row) {
    const torch::Tensor real = ids[row].masked_select(mask[row].to(torch::kBool)).unsqueeze(0);
    const torch::Tensor per_token = rm->score(rm->backbone->Hidden(real)).sum();
    EXPECT_NEAR(rm(ids, mask)[row].item<float>(), per_token.item<float>(), 1e-5) << row;
  }
  SaveSequenceRewardModel(rm, dir.path());
  EXPECT_EQ(nlohmann::json::parse(ReadFile(dir / "config.json"))["rlab_score_pooling"], "sum");
  SequenceRewardModel back = LoadSequenceRewardModel(dir.path());
  EXPECT_EQ(back->pooling(), ScorePooling::kSum);
  EXPECT_TRUE(torch::equal(rm(ids, mask), back(ids, mask)));
  // A last-token model writes no key: other libraries read it the same way.
  SaveSequenceRewardModel(SequenceRewardModel(GetParam()), dir.path());
  EXPECT_FALSE(nlohmann::json::parse(ReadFile(dir / "config.json")).contains("rlab_score_pooling"));
  EXPECT_EQ(LoadSequenceRewardModel(dir.path())->pooling(), ScorePooling::kLastToken);
}

TEST(SequenceRewardModel, BadPoolingIsNamed) {
  rlab::testing::ScratchDir dir("sequence_reward_model_bad_pooling");
  SaveSequenceRewardModel(SequenceRewardModel(testing::TinyGpt2()), dir.path(),
                          {{"rlab_score_pooling", "mean"}});
  const std::string error = rlab::testing::ErrorOf([&] { LoadSequenceRewardModel(dir.path()); });
  EXPECT_NE(error.find("config.json"), std::string::npos) << error;
  EXPECT_NE(error.find("rlab_score_pooling"), std::string::npos) << error;
  EXPECT_NE(error.find("'mean'"), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(Families, SequenceRewardModelTest,
                         ::testing::Values(testing::TinyGpt2(), testing::TinyLlama(2, false)),
                         [](const auto& info) {
                           return info.param.arch == TransformerArch::kGpt2 ? "Gpt2" : "Llama";
                         });

}  // namespace
}  // namespace rlab::models
