// Step data in TRL's stepwise-supervision layout: records read with one label per step, and bad
// records refused with the file, line and field named.
#include <gtest/gtest.h>

#include "rlab/text/step_dataset.h"
#include "test_support.h"

namespace rlab::data {
namespace {

TEST(StepDataset, ReadsPromptStepsAndOneLabelPerStep) {
  testing::ScratchDir dir("step_dataset");
  const auto path = dir.path() / "steps.jsonl";
  testing::WriteText(
      path, R"({"prompt": "2+3*2=", "completions": ["2+3=5", "5*2=11"], "labels": [true, false]})"
            "\n"
            R"({"prompt": "1+1=", "completions": ["1+1=2"], "labels": [true]})"
            "\n");
  const std::vector<StepRecord> records = ReadStepRecords(path, "\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].prompt, "2+3*2=");
  EXPECT_EQ(records[0].steps, (std::vector<std::string>{"2+3=5", "5*2=11"}));
  EXPECT_EQ(records[0].labels, (std::vector<bool>{true, false}));
  EXPECT_TRUE(testing::Contains(records[1].where, "steps.jsonl:2")) << records[1].where;
}

TEST(StepDataset, BadRecordsNameTheFileLineAndField) {
  testing::ScratchDir dir("step_dataset_bad");
  const auto error_of = [&](const std::string& line, const std::string& delimiter = "\n") {
    const auto path = dir.path() / "bad.jsonl";
    testing::WriteText(path, R"({"prompt": "1+1=", "completions": ["1+1=2"], "labels": [true]})"
                             "\n" +
                                 line + "\n");
    return testing::ErrorOf([&] { ReadStepRecords(path, delimiter); });
  };
  const std::string mismatched =
      error_of(R"({"prompt": "p", "completions": ["a", "b"], "labels": [true]})");
  EXPECT_TRUE(testing::Contains(mismatched, "bad.jsonl:2")) << mismatched;
  EXPECT_TRUE(testing::Contains(mismatched, "'labels' has 1 entries but 'completions' has 2"))
      << mismatched;
  const std::string empty_step =
      error_of(R"({"prompt": "p", "completions": ["a", "  "], "labels": [true, true]})");
  EXPECT_TRUE(testing::Contains(empty_step, "'completions[1]' is an empty step")) << empty_step;
  const std::string delimiter_inside =
      error_of(R"({"prompt": "p", "completions": ["a;b"], "labels": [true]})", ";");
  EXPECT_TRUE(testing::Contains(delimiter_inside, "'completions[0]' contains the step delimiter"))
      << delimiter_inside;
  const std::string not_boolean =
      error_of(R"({"prompt": "p", "completions": ["a"], "labels": ["+"]})");
  EXPECT_TRUE(testing::Contains(not_boolean, "'labels[0]' must be true or false")) << not_boolean;
  const std::string no_prompt = error_of(R"({"completions": ["a"], "labels": [true]})");
  EXPECT_TRUE(testing::Contains(no_prompt, "field 'prompt' must be a string")) << no_prompt;
}

}  // namespace
}  // namespace rlab::data
