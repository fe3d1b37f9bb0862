// Prompt-only files in TRL's layouts: standard and conversational prompts, every other field
// kept as a column, and bad records named by file, line and field; the prompt-file task draws
// from its own splits, looks columns up by prompt and has no gold reward.
#include <gtest/gtest.h>

#include <cmath>

#include "rlab/text/prompt_dataset.h"
#include "rlab/text/prompt_file_task.h"
#include "test_support.h"

namespace rlab::data {
namespace {

using testing::ErrorOf;
using testing::WriteText;

class PromptDatasetTest : public ::testing::Test {
 protected:
  std::unique_ptr<models::ChatTemplate> chatml_ = models::MakeChatTemplate("chatml");
  testing::ScratchDir dir_{"prompt_dataset"};
  std::vector<PromptRecord> ReadPrompts(const std::string& name, const std::string& text) {
    WriteText(dir_ / name, text);
    return ReadPromptRecords(dir_ / name, *chatml_);
  }
  std::string PromptError(const std::string& name, const std::string& text) {
    WriteText(dir_ / name, text);
    return ErrorOf([&] { ReadPromptRecords(dir_ / name, *chatml_); });
  }
};

TEST_F(PromptDatasetTest, StandardRecordsKeepEveryOtherFieldAsAColumn) {
  const auto records = ReadPrompts(
      "p.jsonl", R"({"prompt": "12+35=", "answer": "47", "tests": ["a", 1], "level": 3})"
                 "\n"
                 R"({"prompt": "2+2=", "answer": "4"})"
                 "\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].prompt, "12+35=");
  EXPECT_EQ(records[0].columns.Get("answer", "test"), "47");
  EXPECT_EQ(records[0].columns.Get("tests", "test"), R"(["a",1])");  // JSON text of a non-string
  EXPECT_EQ(records[0].columns.Get("level", "test"), "3");
  EXPECT_EQ(records[0].columns.values.count("prompt"), 0u);
  EXPECT_NE(records[1].columns.where.find("p.jsonl:2"), std::string::npos);
}

TEST_F(PromptDatasetTest, ConversationalPromptsAreRenderedWithTheGenerationPrompt) {
  const auto records = ReadPrompts(
      "c.json", R"([{"prompt": [{"role": "user", "content": "2+2?"}], "answer": "4"}])");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].prompt, chatml_->Render({{{"user", "2+2?"}}}, true));
  EXPECT_NE(records[0].prompt.find("<|im_start|>assistant"), std::string::npos);
  EXPECT_EQ(records[0].columns.Get("answer", "test"), "4");
}

TEST_F(PromptDatasetTest, BadRecordsNameFileLineAndField) {
  const std::string missing =
      PromptError("m.jsonl", "{\"prompt\": \"a\"}\n{\"question\": \"b\"}\n");
  EXPECT_NE(missing.find("m.jsonl:2"), std::string::npos) << missing;
  EXPECT_NE(missing.find("'prompt'"), std::string::npos) << missing;
  const std::string number = PromptError("n.jsonl", "{\"prompt\": 5}\n");
  EXPECT_NE(number.find("n.jsonl:1"), std::string::npos) << number;
  EXPECT_NE(number.find("field 'prompt'"), std::string::npos) << number;
  const std::string role = PromptError("r.jsonl", "{\"prompt\": [{\"content\": \"x\"}]}\n");
  EXPECT_NE(role.find("r.jsonl:1"), std::string::npos) << role;
  const auto records = ReadPrompts("ok.jsonl", "{\"prompt\": \"a\", \"answer\": \"1\"}\n");
  const std::string column =
      ErrorOf([&] { records[0].columns.Get("tests", "regex(column=tests)"); });
  EXPECT_NE(column.find("ok.jsonl:1"), std::string::npos) << column;
  EXPECT_NE(column.find("'tests'"), std::string::npos) << column;
  EXPECT_NE(column.find("answer"), std::string::npos) << column;  // the columns it has
}

TEST_F(PromptDatasetTest, PromptFileTaskDrawsFromItsSplitsWithoutAGoldReward) {
  auto train = ReadPrompts("t.jsonl", "{\"prompt\": \"1+1=\", \"answer\": \"2\"}\n");
  auto held = ReadPrompts("e.jsonl", "{\"prompt\": \"2+2=\", \"answer\": \"4\"}\n");
  const PromptFileTask task(std::move(train), std::move(held), "t.jsonl", 8);
  Rng rng(1);
  EXPECT_EQ(task.Sample(rng, TaskSplit::kTrain).prompt, "1+1=");
  EXPECT_EQ(task.Sample(rng, TaskSplit::kTrain).completion, "2");
  EXPECT_EQ(task.Sample(rng, TaskSplit::kTest).prompt, "2+2=");
  EXPECT_FALSE(task.HasGoldReward());
  EXPECT_TRUE(std::isnan(task.GoldReward("1+1=", "2")));
  ASSERT_NE(task.ColumnsOf("2+2="), nullptr);
  EXPECT_EQ(task.ColumnsOf("2+2=")->Get("answer", "test"), "4");
  EXPECT_EQ(task.ColumnsOf("3+3="), nullptr);
}

TEST_F(PromptDatasetTest, OnePromptWithTwoDifferentAnswersIsRefused) {
  auto train = ReadPrompts("d.jsonl", "{\"prompt\": \"q\", \"answer\": \"1\"}\n"
                                      "{\"prompt\": \"q\", \"answer\": \"2\"}\n");
  const std::string e = ErrorOf([&] { PromptFileTask(std::move(train), {}, "d.jsonl", 8); });
  EXPECT_NE(e.find("d.jsonl:1"), std::string::npos) << e;
  EXPECT_NE(e.find("d.jsonl:2"), std::string::npos) << e;
}

}  // namespace
}  // namespace rlab::data
