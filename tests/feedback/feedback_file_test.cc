// Feedback files (feedback.jsonl): writing, reading, and bad files written by people.
#include "rlab/feedback/feedback_file.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rlab/core/check.h"
#include "test_support.h"

namespace rlab::feedback {
namespace {

using testing::ErrorOf;
using testing::ReadText;
using testing::ScratchDir;
using testing::WriteText;

bool Known(int64_t id) { return id >= 0 && id < 100; }

void ExpectHas(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

TEST(FeedbackFile, WrittenRecordsReadBackExactly) {
  ScratchDir dir("feedback_roundtrip");
  const auto path = dir / "feedback.jsonl";
  {
    FeedbackWriter writer(path);
    writer.Write({.step = 100, .first = 0, .second = 1, .label = 1.0, .teacher = "oracle"});
    writer.Write({.step = 100, .first = 2, .second = 3, .label = 0.5, .teacher = "equal"});
    writer.Write({.step = 200, .first = 4, .second = 5, .label = std::nullopt, .teacher = "skip"});
    writer.Write({.step = 200, .first = 6, .second = 7, .label = 0.0, .teacher = "oracle"});
  }
  const std::string text = ReadText(path);
  ExpectHas(text, "{\"step\":100,\"first\":0,\"second\":1,\"label\":1,\"teacher\":\"oracle\"}\n");
  ExpectHas(text, "\"label\":null");
  const std::vector<FeedbackRecord> records = ReadFeedbackFile(path, Known);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].first, 2);
  EXPECT_EQ(records[1].second, 3);
  EXPECT_EQ(records[1].label, 0.5);
  EXPECT_EQ(records[1].teacher, "equal");
  EXPECT_EQ(records[1].line, 2);
  EXPECT_FALSE(records[2].label.has_value());
  EXPECT_EQ(records[3].step, 200);
  EXPECT_EQ(records[3].label, 0.0);
  // Appending keeps what is there.
  {
    FeedbackWriter writer(path);
    writer.Write({.step = 300, .first = 8, .second = 9, .label = 1.0, .teacher = "oracle"});
  }
  EXPECT_EQ(ReadFeedbackFile(path).size(), 5u);
}

TEST(FeedbackFile, EachRecordIsOnDiskAsSoonAsItIsWritten) {
  ScratchDir dir("feedback_flush");
  const auto path = dir / "feedback.jsonl";
  FeedbackWriter writer(path);
  writer.Write({.step = 1, .first = 0, .second = 1, .label = 1.0, .teacher = "oracle"});
  // Read while the writer is still open: the line is already flushed.
  EXPECT_EQ(ReadFeedbackFile(path).size(), 1u);
  writer.Write({.step = 2, .first = 2, .second = 3, .label = 0.0, .teacher = "oracle"});
  EXPECT_EQ(ReadFeedbackFile(path).size(), 2u);
  EXPECT_THROW(writer.Write({.first = 2, .second = 3, .label = 0.7}), Error);
  EXPECT_EQ(ReadFeedbackFile(path).size(), 2u);
}

TEST(FeedbackFile, PersonWrittenFileWithoutOptionalFields) {
  ScratchDir dir("feedback_person");
  const auto path = dir / "labels.jsonl";
  WriteText(path, "{\"first\": 3, \"second\": 8, \"label\": 1}\n\n"
                  "{\"first\": 9, \"second\": 4, \"label\": 0.5}");  // no final newline: fine
  const std::vector<FeedbackRecord> records = ReadFeedbackFile(path, Known);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].teacher, "person");
  EXPECT_EQ(records[0].step, -1);
  EXPECT_EQ(records[1].line, 3);
}

// Each bad line gives an error naming file:line and the field, and the records before it are
// still returned by the partial reader; the file itself is never changed.
struct BadCase {
  std::string line;
  std::string field_part;
};

TEST(FeedbackFile, BadLinesNameFileLineAndField) {
  ScratchDir dir("feedback_bad");
  const std::string good = "{\"step\": 5, \"first\": 1, \"second\": 2, \"label\": 0}\n";
  const std::vector<BadCase> cases = {
      {"{\"first\": 1, \"second\": 200, \"label\": 1}\n", "field 'second': unknown segment id 200"},
      {"{\"first\": 1, \"second\": 2, \"label\": 2}\n", "field 'label': 2 is not a label"},
      {"{\"first\": 1, \"second\": 2, \"label\": 0.3}\n", "field 'label': 0.3 is not a label"},
      {"{\"first\": 1, \"second\": 2, \"label\": \"left\"}\n", "field 'label'"},
      {"{\"first\": 1, \"label\": 1}\n", "missing field 'second'"},
      {"{\"second\": 1, \"label\": 1}\n", "missing field 'first'"},
      {"{\"first\": 1, \"second\": 2}\n", "missing field 'label'"},
      {"{\"first\": -1, \"second\": 2, \"label\": 1}\n", "field 'first': a segment id must be"},
      {"{\"first\": 1.5, \"second\": 2, \"label\": 1}\n", "field 'first'"},
      {"{\"first\": 1, \"second\": 1, \"label\": 1}\n", "compared with itself"},
      {"{\"first\": 1, \"second\": 2, \"label\": 1, \"lable\": 0}\n", "unknown field 'lable'"},
      {"{\"first\": 1, \"second\": 2, \"label\": 1, \"step\": -4}\n", "field 'step'"},
      {"{\"first\": 1, \"second\": 2, \"label\": 1, \"teacher\": 7}\n", "field 'teacher'"},
      {"[1, 2]\n", "expected a JSON object"},
      {"{\"first\": 1, \"second\": 2, \"label\": 1\n", "malformed JSON"},
      {"{\"first\": 1, \"second\": 2, \"label\": 1e400}\n",
       "field 'label': number overflow parsing '1e400'"},
      {"{\"first\": 1, \"second\": 2, \"lab", "last line is truncated"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto path = dir / ("bad" + std::to_string(i) + ".jsonl");
    const std::string content = good + good + cases[i].line;
    WriteText(path, content);
    const std::string error = ErrorOf([&] { ReadFeedbackFile(path, Known); });
    ExpectHas(error, path.string() + ":3: ");
    ExpectHas(error, cases[i].field_part);
    const FeedbackReadResult partial = ReadFeedbackFilePartial(path, Known);
    EXPECT_EQ(partial.records.size(), 2u) << cases[i].line;
    EXPECT_EQ(partial.error_line, 3);
    EXPECT_EQ(ReadText(path), content);  // the reader never touches the file
  }
}

TEST(FeedbackFile, TruncatedLastLineSaysHowManyRecordsAreIntact) {
  ScratchDir dir("feedback_torn");
  const auto path = dir / "feedback.jsonl";
  WriteText(path, "{\"first\": 1, \"second\": 2, \"label\": 0}\n{\"first\": 3, \"sec");
  const std::string error = ErrorOf([&] { ReadFeedbackFile(path); });
  ExpectHas(error, ":2: the last line is truncated");
  ExpectHas(error, "the 1 record(s) before it are intact");
}

TEST(FeedbackFile, WriterDropsATornLastLineAndKeepsEveryCompleteOne) {
  ScratchDir dir("feedback_writer_torn");
  const auto path = dir / "feedback.jsonl";
  WriteText(path, "{\"step\":1,\"first\":1,\"second\":2,\"label\":0,\"teacher\":\"t\"}\n"
                  "{\"step\":1,\"first\":3,\"second\":4,\"label\":1,\"teacher\":\"t\"}\n"
                  "{\"step\":2,\"first\":5,\"sec");
  {
    FeedbackWriter writer(path);
    EXPECT_EQ(writer.dropped_torn_lines(), 1);
    writer.Write({.step = 2, .first = 5, .second = 6, .label = 1.0, .teacher = "t"});
  }
  const std::vector<FeedbackRecord> records = ReadFeedbackFile(path);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].first, 5);
  EXPECT_EQ(records[2].second, 6);
  // A complete last line without its newline is kept.
  WriteText(path, "{\"first\":1,\"second\":2,\"label\":0}");
  {
    FeedbackWriter writer(path);
    EXPECT_EQ(writer.dropped_torn_lines(), 0);
    writer.Write({.first = 3, .second = 4, .label = 0.5});
  }
  EXPECT_EQ(ReadFeedbackFile(path).size(), 2u);
}

TEST(FeedbackFile, ResumeDropsRecordsAskedAfterTheCheckpoint) {
  ScratchDir dir("feedback_resume");
  const auto path = dir / "feedback.jsonl";
  {
    FeedbackWriter writer(path);
    for (int step : {100, 100, 200, 300}) {
      writer.Write({.step = step, .first = step, .second = step + 1, .label = 1.0});
    }
  }
  FeedbackWriter resumed(path, /*keep_through_step=*/200);
  const std::vector<FeedbackRecord> records = ReadFeedbackFile(path);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records.back().step, 200);
}

TEST(FeedbackFile, MissingFileIsAClearError) {
  ScratchDir dir("feedback_missing");
  ExpectHas(ErrorOf([&] { ReadFeedbackFile(dir / "nope.jsonl"); }), "no such feedback file");
}

}  // namespace
}  // namespace rlab::feedback
