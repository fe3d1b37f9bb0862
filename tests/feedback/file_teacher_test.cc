// The file teacher: labels from a feedback file instead of a scripted teacher.
#include "rlab/feedback/file_teacher.h"

#include <gtest/gtest.h>

#include "rlab/core/check.h"
#include "test_support.h"

namespace rlab::feedback {
namespace {

using testing::ErrorOf;
using testing::ScratchDir;
using testing::WriteText;

TEST(FileTeacher, AnswersQueriesInEitherOrder) {
  ScratchDir dir("file_teacher_lookup");
  const auto path = dir / "labels.jsonl";
  WriteText(path, "{\"first\": 1, \"second\": 2, \"label\": 1}\n"
                  "{\"first\": 7, \"second\": 3, \"label\": 0}\n"
                  "{\"first\": 4, \"second\": 5, \"label\": 0.5}\n"
                  "{\"first\": 6, \"second\": 8, \"label\": null}\n");
  const FileTeacher teacher(path);
  EXPECT_EQ(teacher.records().size(), 4u);
  auto l = teacher.Lookup(1, 2);
  ASSERT_TRUE(l && l->answered);
  EXPECT_EQ(l->label, kSecondPreferred);
  l = teacher.Lookup(2, 1);  // mirrored
  ASSERT_TRUE(l && l->answered);
  EXPECT_EQ(l->label, kFirstPreferred);
  l = teacher.Lookup(3, 7);
  EXPECT_EQ(l->label, kSecondPreferred);
  EXPECT_EQ(teacher.Lookup(5, 4)->label, kEquallyPreferred);
  l = teacher.Lookup(8, 6);
  ASSERT_TRUE(l.has_value());
  EXPECT_FALSE(l->answered);  // skipped in the file
  EXPECT_FALSE(teacher.Lookup(1, 3).has_value());
  EXPECT_NE(teacher.Describe().find("labels.jsonl"), std::string::npos);
}

TEST(FileTeacher, ConsistentRepeatsAreFineConflictsNameBothLines) {
  ScratchDir dir("file_teacher_conflict");
  const auto same = dir / "same.jsonl";
  WriteText(same, "{\"first\": 1, \"second\": 2, \"label\": 1}\n"
                  "{\"first\": 2, \"second\": 1, \"label\": 0}\n");
  EXPECT_EQ(FileTeacher(same).Lookup(1, 2)->label, kSecondPreferred);
  const auto conflict = dir / "conflict.jsonl";
  WriteText(conflict, "{\"first\": 1, \"second\": 2, \"label\": 1}\n"
                      "{\"first\": 5, \"second\": 6, \"label\": 1}\n"
                      "{\"first\": 2, \"second\": 1, \"label\": 1}\n");
  const std::string e = ErrorOf([&] { FileTeacher t(conflict); });
  EXPECT_NE(e.find("conflict.jsonl:3: field 'label'"), std::string::npos) << e;
  EXPECT_NE(e.find("line 1"), std::string::npos) << e;
}

TEST(FileTeacher, UnknownSegmentsAreRefused) {
  ScratchDir dir("file_teacher_unknown");
  const auto path = dir / "labels.jsonl";
  WriteText(path, "{\"first\": 1, \"second\": 2, \"label\": 1}\n");
  const std::string e = ErrorOf([&] { FileTeacher t(path, [](int64_t id) { return id < 2; }); });
  EXPECT_NE(e.find("labels.jsonl:1: field 'second': unknown segment id 2"), std::string::npos) << e;
}

TEST(FileTeacher, EmptyFileOrDirectoryIsAnErrorNamingThePath) {
  ScratchDir dir("file_teacher_empty");
  // Taught by nothing, a run would finish with no labels and exit 0.
  for (const std::string& text : {std::string(), std::string("\n  \n")}) {
    WriteText(dir / "empty.jsonl", text);
    const std::string e = ErrorOf([&] { FileTeacher teacher(dir / "empty.jsonl"); });
    EXPECT_NE(e.find((dir / "empty.jsonl").string() + ": the feedback file holds no records"),
              std::string::npos)
        << e;
  }
  std::filesystem::create_directories(dir / "labels");
  const std::string e = ErrorOf([&] { FileTeacher teacher(dir / "labels"); });
  EXPECT_NE(e.find((dir / "labels").string() + ": is a directory"), std::string::npos) << e;
}

}  // namespace
}  // namespace rlab::feedback
