// Reward functions a host registers by name for a run: scored through the text reward source
// by python(name=...), checked for length and finiteness, errors naming the function.
#include "rlab/reward/signal/external_rewards.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <stdexcept>

#include "rlab/reward/signal/text_reward_source.h"
#include "rlab/text/prompt_dataset.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

std::vector<double> Lengths(const ExternalRewardBatch& batch) {
  std::vector<double> out;
  for (const std::string& c : batch.completions) out.push_back(static_cast<double>(c.size()));
  return out;
}

ExternalRewardFn Returning(std::vector<double> rewards) {
  return [rewards](const ExternalRewardBatch&) { return rewards; };
}

std::string ScoreError(const std::string& name, ExternalRewardFn fn) {
  const ScopedExternalRewards scope({{name, std::move(fn)}});
  const ExternalReward reward(name);
  return testing::ErrorOf([&] { reward.Score({{"p", "q"}, {"a", "bb"}, {}, {}}); });
}

TEST(ExternalRewards, ScoresThroughTheTextRewardSourceBySpec) {
  const ScopedExternalRewards scope({{"length", Lengths}});
  const TextRewardSource source({"python(name=length)", "exact_match"}, {0.5, 1.0});
  EXPECT_EQ(source.Describe().rfind("0.5 * python(name=length) + 1 * exact_match", 0), 0u);
  const TextRewards r = source.Score({"1+1=", "2+2="}, {"2", "four"}, {"2", "4"});
  ASSERT_EQ(r.parts.size(), 2u);
  EXPECT_EQ(r.parts[0].first, "length");
  EXPECT_TRUE(torch::equal(r.parts[0].second, torch::tensor({1.0f, 4.0f})));
  EXPECT_TRUE(torch::allclose(r.total, torch::tensor({1.5f, 2.0f})));
  EXPECT_EQ(ExternalRewardNames(), std::vector<std::string>{"length"});
}

TEST(ExternalRewards, SeesEachCompletionsAnswerAndPromptFileRecord) {
  data::PromptColumns first{{{"answer", "2"}, {"level", "easy"}}, "p.jsonl:1"};
  data::PromptColumns second{{{"answer", "4"}}, "p.jsonl:2"};
  const ScopedExternalRewards scope({{"level", [](const ExternalRewardBatch& b) {
                                        EXPECT_EQ(b.answers.size(), 2u);
                                        EXPECT_EQ(b.answers[1], "4");
                                        std::vector<double> out;
                                        for (const auto* record : b.records) {
                                          out.push_back(record->Find("level") != nullptr);
                                        }
                                        return out;
                                      }}});
  const TextRewardSource source({"python(name=level)"}, {},
                                [&](std::string_view prompt) -> const data::PromptColumns* {
                                  return prompt == "1+1=" ? &first : &second;
                                });
  const TextRewards r = source.Score({"1+1=", "2+2="}, {"2", "4"}, {"2", "4"});
  EXPECT_TRUE(torch::equal(r.total, torch::tensor({1.0f, 0.0f})));
}

TEST(ExternalRewards, AnUnknownNameListsTheRegisteredOnes) {
  EXPECT_NE(testing::ErrorOf([] {
              ExternalReward("brevity");
            }).find("no reward function named 'brevity' is registered (none is)"),
            std::string::npos);
  const ScopedExternalRewards scope({{"length", Lengths}});
  const std::string error =
      testing::ErrorOf([] { TextRewardSource({"python(name=brevity)"}, {}); });
  EXPECT_NE(error.find("python(name=brevity): no reward function named 'brevity'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("registered: length"), std::string::npos) << error;
  EXPECT_NE(error.find("reward_functions={\"brevity\": fn}"), std::string::npos) << error;
}

TEST(ExternalRewards, ANameLivesAsLongAsItsScopeAndOnce) {
  {
    const ScopedExternalRewards scope({{"length", Lengths}});
    EXPECT_NE(testing::ErrorOf([] {
                ScopedExternalRewards again({{"length", Lengths}});
              }).find("'length' is already registered"),
              std::string::npos);
  }
  EXPECT_TRUE(ExternalRewardNames().empty());
  EXPECT_NE(testing::ErrorOf([] {
              ScopedExternalRewards unnamed({{"", Lengths}});
            }).find("needs a name"),
            std::string::npos);
}

TEST(ExternalRewards, ChecksEveryBatchNamingTheFunction) {
  const std::string short_batch = ScoreError("brevity", Returning({1.0}));
  EXPECT_NE(short_batch.find("reward function 'brevity' returned 1 rewards for 2 completions"),
            std::string::npos)
      << short_batch;
  const std::string nan = ScoreError("brevity", Returning({1.0, std::nan("")}));
  EXPECT_NE(nan.find("reward function 'brevity' returned nan at index 1 (completion \"bb\")"),
            std::string::npos)
      << nan;
  const std::string inf = ScoreError("brevity", Returning({-INFINITY, 0.0}));
  EXPECT_NE(inf.find("returned -inf at index 0"), std::string::npos) << inf;
  const std::string raised =
      ScoreError("brevity", [](const ExternalRewardBatch&) -> std::vector<double> {
        throw std::runtime_error("ValueError: no reward for you");
      });
  EXPECT_NE(raised.find("reward function 'brevity' failed: ValueError: no reward for you"),
            std::string::npos)
      << raised;
}

}  // namespace
}  // namespace rlab::reward
