// SFT data in TRL's formats: the loss covers completions only, conversational records train on
// the assistant turns, and bad records are rejected with their file, line and field.
#include <gtest/gtest.h>

#include "rlab/text/sft_dataset.h"
#include "rlab/text/token_batch.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "test_support.h"

namespace rlab::data {
namespace {

using testing::ScratchDir;
using testing::WriteText;

class SftDatasetTest : public ::testing::Test {
 protected:
  models::ByteTokenizer tokenizer_;  // 256 bytes, then <pad>=256, <bos>=257, <eos>=258
  std::unique_ptr<models::ChatTemplate> plain_ = models::MakeChatTemplate("plain");
  ScratchDir dir_{"sft_dataset"};

  // The text of the trained tokens of an example.
  std::string Trained(const SftExample& e) const {
    std::vector<models::TokenId> ids;
    for (std::size_t i = 0; i < e.ids.size(); ++i) {
      if (e.trained[i]) ids.push_back(e.ids[i]);
    }
    return tokenizer_.Decode(ids);
  }
};

TEST_F(SftDatasetTest, PromptCompletionTrainsOnCompletionAndEos) {
  WriteText(dir_ / "a.jsonl", R"({"prompt": "12+35=", "completion": "47"})"
                              "\n");
  const auto records = ReadSftRecords(dir_ / "a.jsonl", *plain_);
  const auto examples = TokenizeSftRecords(records, tokenizer_, 64);
  ASSERT_EQ(examples.size(), 1u);
  const SftExample& e = examples[0];
  EXPECT_EQ(e.ids.front(), 257);  // BOS
  EXPECT_EQ(e.ids.back(), 258);   // EOS
  EXPECT_EQ(e.ids.size(), 1u + 6 + 2 + 1);
  EXPECT_EQ(Trained(e), "47<eos>");
}

TEST_F(SftDatasetTest, ConversationsTrainOnAssistantTurns) {
  WriteText(
      dir_ / "c.jsonl",
      R"({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}, {"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]})"
      "\n");
  const auto records = ReadSftRecords(dir_ / "c.jsonl", *plain_);
  const auto examples = TokenizeSftRecords(records, tokenizer_, 256);
  ASSERT_EQ(examples.size(), 1u);
  // The whole text is the template's rendering; the trained part is what each assistant turn
  // adds after the generation prompt "assistant:".
  const std::vector<models::ChatMessage> all = {
      {"user", "hi"}, {"assistant", "yo"}, {"user", "2+2?"}, {"assistant", "4"}};
  EXPECT_EQ(tokenizer_.Decode(
                std::vector<models::TokenId>(examples[0].ids.begin() + 1, examples[0].ids.end())),
            plain_->Render(all, false));
  EXPECT_EQ(Trained(examples[0]), " yo\n 4\n");
}

TEST_F(SftDatasetTest, ConversationalPromptCompletion) {
  WriteText(
      dir_ / "p.json",
      R"([{"prompt": [{"role": "user", "content": "hi"}], "completion": [{"role": "assistant", "content": "yo"}]}])");
  const auto examples =
      TokenizeSftRecords(ReadSftRecords(dir_ / "p.json", *plain_), tokenizer_, 256);
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(Trained(examples[0]), " yo\n");
}

TEST_F(SftDatasetTest, BadRecordsNameFileLineAndField) {
  WriteText(dir_ / "bad.jsonl",
            "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\"}\n");
  std::string err = testing::ErrorOf([&] { ReadSftRecords(dir_ / "bad.jsonl", *plain_); });
  EXPECT_NE(err.find("bad.jsonl:2"), std::string::npos) << err;
  EXPECT_NE(err.find("completion"), std::string::npos) << err;

  WriteText(dir_ / "bad2.jsonl", R"({"messages": [{"role": "user", "content": 3}]})"
                                 "\n");
  err = testing::ErrorOf([&] { ReadSftRecords(dir_ / "bad2.jsonl", *plain_); });
  EXPECT_NE(err.find("bad2.jsonl:1"), std::string::npos) << err;
  EXPECT_NE(err.find("messages[0]"), std::string::npos) << err;

  WriteText(dir_ / "bad3.jsonl", R"({"messages": [{"role": "user", "content": "x"}]})"
                                 "\n");
  err = testing::ErrorOf([&] { ReadSftRecords(dir_ / "bad3.jsonl", *plain_); });
  EXPECT_NE(err.find("no assistant message"), std::string::npos) << err;

  WriteText(
      dir_ / "bad4.jsonl",
      R"({"prompt": [{"role": "user", "content": "x"}], "completion": [{"role": "user", "content": "y"}]})"
      "\n");
  err = testing::ErrorOf([&] { ReadSftRecords(dir_ / "bad4.jsonl", *plain_); });
  EXPECT_NE(err.find("completion[0]"), std::string::npos) << err;

  WriteText(dir_ / "bad5.jsonl",
            "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\", \"compl");
  err = testing::ErrorOf([&] { ReadSftRecords(dir_ / "bad5.jsonl", *plain_); });
  EXPECT_NE(err.find("bad5.jsonl:2"), std::string::npos) << err;
}

TEST_F(SftDatasetTest, TruncationDropsRecordsWithoutCompletionTokens) {
  WriteText(dir_ / "t.jsonl", R"({"prompt": "a long prompt", "completion": "x"})"
                              "\n"
                              R"({"prompt": "ab", "completion": "xyz"})"
                              "\n");
  TokenizeStats stats;
  const auto examples =
      TokenizeSftRecords(ReadSftRecords(dir_ / "t.jsonl", *plain_), tokenizer_, 5, &stats);
  EXPECT_EQ(stats.truncated, 2);
  EXPECT_EQ(stats.dropped, 1);
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(examples[0].ids.size(), 5u);
  EXPECT_EQ(Trained(examples[0]), "xy");
}

TEST_F(SftDatasetTest, CollatePadsOnTheRight) {
  std::vector<SftExample> examples = {{{257, 1, 2, 258}, {0, 0, 1, 1}}, {{257, 7}, {0, 1}}};
  const std::vector<int64_t> idx = {1, 0};
  const TokenBatch b = CollateRightPadded(examples, idx, 256);
  EXPECT_TRUE(torch::equal(b.ids, torch::tensor({{257, 7, 256, 256}, {257, 1, 2, 258}})));
  EXPECT_TRUE(torch::equal(b.attention_mask, torch::tensor({{1, 1, 0, 0}, {1, 1, 1, 1}})));
  EXPECT_TRUE(
      torch::equal(b.loss_mask, torch::tensor({{0.f, 1.f, 0.f, 0.f}, {0.f, 0.f, 1.f, 1.f}})));
  EXPECT_EQ(b.TrainedTokens(), 3);
}

TEST_F(SftDatasetTest, TaskRecordsAreDemonstrations) {
  const auto task = MakeTextTask("arithmetic");
  Rng rng(2);
  const auto records = SampleTaskRecords(*task, 10, TaskSplit::kTrain, rng);
  ASSERT_EQ(records.size(), 10u);
  for (const auto& r : records) {
    EXPECT_EQ(task->GoldReward(r.pieces[0].text, r.pieces[1].text), 1.0);
  }
}

}  // namespace
}  // namespace rlab::data
