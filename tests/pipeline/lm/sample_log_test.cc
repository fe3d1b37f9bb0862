// samples.jsonl: the lines the report reads, and a resumed run keeping exactly the samples of
// the evaluations before its checkpoint.
#include "rlab/pipeline/lm/sample_log.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rlab/core/io.h"
#include "rlab/eval/text_task_eval.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

using testing::ReadText;

std::vector<Sample> Samples(int count, const std::string& prefix) {
  std::vector<Sample> samples;
  for (int i = 0; i < count; ++i) {
    samples.push_back({prefix + "p" + std::to_string(i), prefix + "c" + std::to_string(i),
                       std::nullopt, std::nullopt});
  }
  return samples;
}

std::vector<int64_t> StepsIn(const std::filesystem::path& file) {
  std::vector<int64_t> steps;
  ForEachJsonl(file, [&](const nlohmann::json& j) { steps.push_back(j["step"]); });
  return steps;
}

TEST(SampleLog, WritesOneLinePerSampleWithOptionalRewardAndGold) {
  testing::ScratchDir scratch("sample-log-lines");
  SampleLog log(scratch.path(), /*resuming=*/false, std::nullopt);
  log.Append(3, {{"2+2=", "4", 0.5, 1.0},
                 {"1+1=", "3", std::nullopt, 0.0},
                 {"x", "y", std::nan(""), std::nullopt}});
  EXPECT_EQ(ReadText(SampleLog::PathIn(scratch.path())),
            "{\"step\":3,\"prompt\":\"2+2=\",\"completion\":\"4\",\"reward\":0.5,\"gold\":1.0}\n"
            "{\"step\":3,\"prompt\":\"1+1=\",\"completion\":\"3\",\"gold\":0.0}\n"
            "{\"step\":3,\"prompt\":\"x\",\"completion\":\"y\",\"reward\":null}\n");
}

TEST(SampleLog, KeepsAHandfulPerEvaluationAndReplacesBytesThatAreNotUtf8) {
  testing::ScratchDir scratch("sample-log-handful");
  SampleLog log(scratch.path(), false, std::nullopt);
  std::vector<Sample> samples = Samples(10, "");
  samples[0].completion = "ab\xC3";  // cut mid-character
  log.Append(0, samples);
  EXPECT_EQ(StepsIn(SampleLog::PathIn(scratch.path())).size(),
            static_cast<size_t>(kSamplesPerEvaluation));
  const auto first =
      nlohmann::json::parse(ReadText(SampleLog::PathIn(scratch.path()))
                                .substr(0, ReadText(SampleLog::PathIn(scratch.path())).find('\n')));
  EXPECT_EQ(first["completion"], "ab\xEF\xBF\xBD");
}

TEST(SampleLog, ARunThatSamplesNothingWritesNoFile) {
  testing::ScratchDir scratch("sample-log-none");
  SampleLog log(scratch.path(), false, std::nullopt);
  log.Append(0, {});
  EXPECT_FALSE(std::filesystem::exists(SampleLog::PathIn(scratch.path())));
}

TEST(SampleLog, AResumeDropsTheSamplesOfStepsAfterItsCheckpointAndATornLine) {
  testing::ScratchDir scratch("sample-log-resume");
  const auto file = SampleLog::PathIn(scratch.path());
  {
    SampleLog log(scratch.path(), false, std::nullopt);
    log.Append(0, Samples(2, "a"));
    log.Append(10, Samples(2, "b"));
    log.Append(20, Samples(2, "c"));  // after the checkpoint at 10
  }
  WriteFileAtomic(file, ReadText(file) + "{\"step\":30,\"prom");  // killed mid-line
  SampleLog resumed(scratch.path(), /*resuming=*/true, nlohmann::json{{"step", 10}});
  resumed.Append(20, Samples(1, "c"));
  EXPECT_EQ(StepsIn(file), (std::vector<int64_t>{0, 0, 10, 10, 20}));
}

TEST(SampleLog, AResumeAfterTheFinalCheckpointLogsTheFinalSamplesOnce) {
  testing::ScratchDir scratch("sample-log-final");
  nlohmann::json counters = {{"step", 2}};
  {
    SampleLog log(scratch.path(), false, std::nullopt);
    log.Append(1, Samples(1, "a"));
    log.AddLengthTo(counters);           // the final checkpoint
    log.Append(2, Samples(1, "final"));  // then the run is killed
  }
  SampleLog resumed(scratch.path(), true, counters);
  resumed.Append(2, Samples(1, "final"));  // the resumed run evaluates again
  EXPECT_EQ(StepsIn(SampleLog::PathIn(scratch.path())), (std::vector<int64_t>{1, 2}));
}

TEST(SampleLog, AResumeWithoutACheckpointStartsOver) {
  testing::ScratchDir scratch("sample-log-restart");
  { SampleLog(scratch.path(), false, std::nullopt).Append(0, Samples(2, "a")); }
  SampleLog resumed(scratch.path(), true, std::nullopt);
  EXPECT_FALSE(std::filesystem::exists(SampleLog::PathIn(scratch.path())));
  resumed.Append(0, Samples(1, "a"));
  EXPECT_EQ(StepsIn(SampleLog::PathIn(scratch.path())), (std::vector<int64_t>{0}));
}

TEST(SampleLog, TaskEvalSamplesPairEachPromptWithItsCompletionAndGold) {
  eval::TaskEvalResult result;
  result.prompts = {"a", "b"};
  result.completions = {"1", "2"};
  result.gold = {0.25, 0.75};
  const auto samples = TaskEvalSamples(result);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[1].prompt, "b");
  EXPECT_EQ(samples[1].completion, "2");
  EXPECT_EQ(samples[1].gold, 0.75);
  EXPECT_FALSE(samples[1].reward.has_value());
}

}  // namespace
}  // namespace rlab::pipeline
