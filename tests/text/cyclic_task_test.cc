// The cyclic task: demonstrations are valid and spread over the types, responses include
// invalid text at their rate, completions parse to their types, and the gold preference is
// the type matrix (antisymmetric), with invalid text losing to every valid answer.
#include <gtest/gtest.h>

#include "rlab/text/cyclic_task.h"
#include "test_support.h"

namespace rlab::data {
namespace {

TEST(CyclicTask, DemonstrationsAreValidAndUniformOverTypes) {
  const auto task = MakeTextTask("cyclic");
  const ResponseGame* game = task->Game();
  ASSERT_NE(game, nullptr);
  Rng rng(2);
  int counts[3] = {};
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    const TaskExample e = task->Sample(rng, TaskSplit::kTrain);
    const int64_t t = game->TypeOf(e.completion);
    ASSERT_NE(t, ResponseGame::kNoType) << e.completion;
    ++counts[t];
    EXPECT_LE(static_cast<int64_t>(e.completion.size()), task->MaxCompletionChars());
  }
  for (int c : counts) EXPECT_NEAR(c, n / 3.0, 90);
}

TEST(CyclicTask, ResponsesIncludeInvalidTextAtItsRate) {
  const auto task = MakeTextTask("cyclic(invalid_rate=0.3)");
  EXPECT_NE(task->Describe().find("invalid_rate=0.3"), std::string::npos);
  Rng rng(4);
  int invalid = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    invalid += task->Game()->TypeOf(task->SampleResponse("garden:", rng)) == ResponseGame::kNoType;
  }
  EXPECT_NEAR(invalid / static_cast<double>(n), 0.3, 0.025);
}

TEST(CyclicTask, CompletionsParseToTheirTypes) {
  const CyclicTask task({});
  EXPECT_EQ(task.TypeOf(" stone."), 0);
  EXPECT_EQ(task.TypeOf("shears. "), 1);
  EXPECT_EQ(task.TypeOf(" scroll.\nrock."), 2);  // only the first line counts
  for (const char* invalid : {" stone", " stone stone.", " maybe.", "", ".", " Stone.", " ston."}) {
    EXPECT_EQ(task.TypeOf(invalid), ResponseGame::kNoType) << invalid;
  }
}

TEST(CyclicTask, GoldPreferenceIsTheTypeMatrixAndAntisymmetric) {
  const auto task = MakeTextTask("cyclic(rock_beats_scissors=0.8, paper_beats_rock=0.7)");
  EXPECT_DOUBLE_EQ(task->GoldPreference("river:", " rock.", " blade."), 0.8);
  EXPECT_DOUBLE_EQ(task->GoldPreference("river:", " page.", " pebble."), 0.7);
  EXPECT_DOUBLE_EQ(task->GoldPreference("river:", " knife.", " sheet."), 0.9);
  EXPECT_DOUBLE_EQ(task->GoldPreference("river:", " rock.", " stone."), 0.5);
  EXPECT_DOUBLE_EQ(task->GoldPreference("river:", " maybe.", " paper."), 0.0);
  EXPECT_DOUBLE_EQ(task->GoldPreference("river:", " paper.", " paper"), 1.0);
  EXPECT_DOUBLE_EQ(task->GoldPreference("river:", " maybe.", " none."), 0.5);
  const std::vector<std::string> answers = {" rock.", " blade.", " scroll.", " pass."};
  for (const auto& a : answers) {
    for (const auto& b : answers) {
      EXPECT_DOUBLE_EQ(
          task->GoldPreference("desert:", a, b) + task->GoldPreference("desert:", b, a), 1.0)
          << a << b;
    }
  }
  EXPECT_NE(testing::ErrorOf([&] {
              task->GoldPreference("ocean:", " rock.", " page.");
            }).find("not one of this task's"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              MakeTextTask("cyclic(paper_beats_rock=1.5)");
            }).find("paper_beats_rock is a probability"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::data
