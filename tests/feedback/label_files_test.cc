// Text pairs into the label queue, and labels out as feedback.jsonl and TRL's preference JSONL.
#include "rlab/feedback/label_files.h"

#include <gtest/gtest.h>

#include "rlab/core/io.h"
#include "rlab/feedback/file_teacher.h"
#include "test_support.h"

namespace rlab::feedback {
namespace {

using testing::Contains;
using testing::ErrorOf;
using testing::ScratchDir;
using testing::WriteText;

std::vector<nlohmann::json> ReadLines(const std::filesystem::path& path) {
  std::vector<nlohmann::json> out;
  ForEachJsonl(path, [&](const nlohmann::json& j) { out.push_back(j); });
  return out;
}

TEST(LabelFiles, TrlPairsAreShownInASeededRandomOrderThatIsRemembered) {
  ScratchDir dir("label_files_sides");
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text +=
        nlohmann::json{{"prompt", "p" + std::to_string(i)}, {"chosen", "good"}, {"rejected", "bad"}}
            .dump() +
        "\n";
  }
  WriteText(dir / "pairs.jsonl", text);
  const auto items = ReadTextPairs(dir / "pairs.jsonl", 7);
  ASSERT_EQ(items.size(), 40u);
  int chosen_left = 0;
  for (const Comparison& c : items) {
    const bool left = c.payload["source_chosen"] == "left";
    chosen_left += left;
    EXPECT_EQ(c.payload[left ? "left" : "right"], "good");
  }
  EXPECT_GT(chosen_left, 5);
  EXPECT_LT(chosen_left, 35);
  const auto again = ReadTextPairs(dir / "pairs.jsonl", 7);
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].payload, again[i].payload);
    EXPECT_EQ(items[i].id, again[i].id);  // a digest of the texts: queueing again adds nothing
  }
}

TEST(LabelFiles, BadPairsNameFileLineAndField) {
  ScratchDir dir("label_files_bad");
  WriteText(dir / "pairs.jsonl", "{\"prompt\": \"p\", \"left\": \"a\", \"right\": \"b\"}\n"
                                 "{\"prompt\": \"p\", \"left\": \"a\", \"right\": 3}\n");
  std::string e = ErrorOf([&] { ReadTextPairs(dir / "pairs.jsonl", 0); });
  EXPECT_TRUE(Contains(e, "pairs.jsonl:2") && Contains(e, "'right'")) << e;
  WriteText(dir / "pairs.jsonl", "{\"prompt\": \"p\", \"chosen\": \"a\"}\n");
  e = ErrorOf([&] { ReadTextPairs(dir / "pairs.jsonl", 0); });
  EXPECT_TRUE(Contains(e, "pairs.jsonl:1") && Contains(e, "'rejected'")) << e;
  WriteText(dir / "pairs.jsonl", "{\"question\": \"p\"}\n");
  e = ErrorOf([&] { ReadTextPairs(dir / "pairs.jsonl", 0); });
  EXPECT_TRUE(Contains(e, "pairs.jsonl:1") && Contains(e, "'prompt'")) << e;
}

TEST(LabelFiles, TrlExportWritesMajoritiesTiesAndWhoAnswered) {
  ScratchDir dir("label_files_trl");
  LabelQueue queue(dir / "labels.db");
  auto pair = [](const std::string& id) {
    return Comparison{id, "text", {{"prompt", "p"}, {"left", "L" + id}, {"right", "R" + id}}, ""};
  };
  queue.Enqueue({pair("a"), pair("b"), pair("c"), pair("d")});
  queue.Record("a", "ann", "right");
  queue.Record("b", "ann", "left");
  queue.Record("b", "bob", "left");
  queue.Record("b", "cal", "right");
  queue.Record("c", "ann", "tie");
  queue.Record("d", "ann", "skip");
  ExportReport r = ExportTrl(queue, dir / "out.jsonl", /*keep_ties=*/true);
  EXPECT_EQ(r.written, 3);
  EXPECT_EQ(r.ties, 1);
  EXPECT_EQ(r.majority, 1);
  EXPECT_EQ(r.split, 1);
  EXPECT_EQ(r.unlabelled, 1);
  const auto lines = ReadLines(dir / "out.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["chosen"], "Ra");
  EXPECT_EQ(lines[0]["rejected"], "La");
  EXPECT_EQ(lines[0]["labeller"], "ann");
  EXPECT_EQ(lines[1]["chosen"], "Lb");
  EXPECT_EQ(lines[1]["labeller"], "ann+bob+cal");
  EXPECT_EQ(lines[1]["votes"]["left"], 2);
  EXPECT_EQ(lines[2]["tie"], true);
  r = ExportTrl(queue, dir / "out.jsonl", /*keep_ties=*/false);
  EXPECT_EQ(r.written, 2);
  EXPECT_EQ(ReadLines(dir / "out.jsonl").size(), 2u);
}

TEST(LabelFiles, FeedbackExportFeedsTheFileTeacher) {
  ScratchDir dir("label_files_feedback");
  LabelQueue queue(dir / "labels.db");
  const nlohmann::json segment = {{"observations", {{0.0}}}, {"actions", {{0}}}};
  auto seg = [&](const std::string& id, int first, int second) {
    return Comparison{id,
                      "segments",
                      {{"env", "CartPole-v1"},
                       {"left", segment},
                       {"right", segment},
                       {"first_segment", first},
                       {"second_segment", second},
                       {"step", 500}},
                      "run"};
  };
  queue.Enqueue({seg("s1", 3, 4), seg("s2", 5, 6), seg("s3", 7, 8),
                 Comparison{"t", "text", {{"prompt", "p"}, {"left", "a"}, {"right", "b"}}, ""}});
  queue.Record("s1", "ann", "left");
  queue.Record("s2", "ann", "right");
  queue.Record("s3", "ann", "tie");
  queue.Record("t", "ann", "left");
  const ExportReport r = ExportFeedback(queue, dir / "feedback.jsonl");
  EXPECT_EQ(r.written, 3);
  EXPECT_EQ(r.other_kind, 1);
  const FileTeacher teacher(dir / "feedback.jsonl");
  EXPECT_EQ(teacher.Lookup(3, 4)->label, kFirstPreferred);
  EXPECT_EQ(teacher.Lookup(5, 6)->label, kSecondPreferred);
  EXPECT_EQ(teacher.Lookup(7, 8)->label, kEquallyPreferred);
  EXPECT_EQ(teacher.records()[0].teacher, "ann");
  EXPECT_EQ(teacher.records()[0].step, 500);
}

}  // namespace
}  // namespace rlab::feedback
