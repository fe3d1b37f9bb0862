#include "rlab/core/io.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>

#include "file_size_limit.h"
#include "rlab/core/check.h"
#include "test_support.h"

namespace rlab {
namespace {

using testing::ReadText;
using testing::ScratchDir;
using testing::WriteText;

using testing::ErrorOf;

TEST(Io, AtomicWriteReplacesAndLeavesNoTemporaryFiles) {
  ScratchDir dir("io-atomic");
  WriteFileAtomic(dir / "a.txt", "first");
  WriteFileAtomic(dir / "a.txt", "second");
  EXPECT_EQ(ReadText(dir / "a.txt"), "second");
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(Io, AtomicWriteToUnwritablePlaceFailsAndKeepsOldContent) {
  ScratchDir dir("io-unwritable");
  WriteText(dir / "file", "keep");
  // A path under a regular file can never be created, even by root.
  const std::string e = ErrorOf([&] { WriteFileAtomic(dir / "file" / "x.txt", "data"); });
  EXPECT_NE(e.find("cannot write"), std::string::npos) << e;
  EXPECT_EQ(ReadText(dir / "file"), "keep");
}

TEST(Io, JsonlRoundTripSkipsBlankLines) {
  ScratchDir dir("io-jsonl");
  {
    JsonlWriter w(dir / "a.jsonl", /*append=*/false);
    w.Write(nlohmann::json{{"a", 1}});
    w.Write(nlohmann::json{{"a", 2}});
  }
  {
    JsonlWriter w(dir / "a.jsonl");  // append keeps what is there
    w.Write(nlohmann::json{{"a", 3}});
  }
  WriteText(dir / "b.jsonl", ReadText(dir / "a.jsonl") + "\n  \n");
  std::vector<int> seen;
  ForEachJsonl(dir / "b.jsonl", [&](const nlohmann::json& j) { seen.push_back(j["a"]); });
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
}

TEST(Io, MalformedJsonlLineIsReportedWithFileAndLine) {
  ScratchDir dir("io-bad");
  WriteText(dir / "bad.jsonl", "{\"a\": 1}\n\n{\"a\": 2,}\n");
  const std::string e = ErrorOf([&] { ForEachJsonl(dir / "bad.jsonl", [](const auto&) {}); });
  EXPECT_NE(e.find("bad.jsonl:3: malformed JSON"), std::string::npos) << e;
  WriteText(dir / "array.jsonl", "[1, 2]\n");
  EXPECT_NE(ErrorOf([&] {
              ForEachJsonl(dir / "array.jsonl", [](const auto&) {});
            }).find("array.jsonl:1: expected a JSON object"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { JsonlReader r(dir / "missing.jsonl"); }).find("cannot read"),
            std::string::npos);
}

TEST(Io, JsonFileErrorsNameTheFileAndByte) {
  ScratchDir dir("io-json");
  WriteText(dir / "good.json", "{\"a\": [1, 2]}");
  EXPECT_EQ(ReadJsonFile(dir / "good.json")["a"][1], 2);
  WriteText(dir / "torn.json", "{\"a\": [1,");
  const std::string e = ErrorOf([&] { ReadJsonFile(dir / "torn.json"); });
  EXPECT_NE(e.find("torn.json: not valid JSON (byte 10)"), std::string::npos) << e;
  EXPECT_NE(ErrorOf([&] { ReadJsonFile(dir / "missing.json"); }).find("missing.json"),
            std::string::npos);
}

TEST(Io, FilterJsonlDropsTornLastLineAndRefusesCorruptMiddle) {
  ScratchDir dir("io-filter");
  WriteText(dir / "m.jsonl", "{\"step\":1}\n{\"step\":2}\n{\"step\":3}\n{\"st");
  EXPECT_EQ(FilterJsonl(dir / "m.jsonl", [](const nlohmann::json& j) { return j["step"] <= 2; }),
            2);
  EXPECT_EQ(ReadText(dir / "m.jsonl"), "{\"step\":1}\n{\"step\":2}\n");
  WriteText(dir / "c.jsonl", "{\"step\":1}\nxx\n{\"step\":3}\n");
  EXPECT_NE(ErrorOf([&] {
              FilterJsonl(dir / "c.jsonl", [](const auto&) { return true; });
            }).find("c.jsonl:2"),
            std::string::npos);
  EXPECT_EQ(ReadText(dir / "c.jsonl"), "{\"step\":1}\nxx\n{\"step\":3}\n");  // untouched
}

int FilesIn(const fs::path& dir) {
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  return files;
}

TEST(Io, AtomicWriteOnAFullDiskFailsNamingTheFileAndLeavesNoTemporaryFile) {
  ScratchDir dir("io-full");
  WriteFileAtomic(dir / "a.txt", "old");
  std::string e;
  {
    testing::FileSizeLimit full(1000);
    e = ErrorOf([&] { WriteFileAtomic(dir / "a.txt", std::string(100000, 'x')); });
  }
  EXPECT_NE(e.find("cannot write '" + (dir / "a.txt").string() + "'"), std::string::npos) << e;
  EXPECT_EQ(ReadText(dir / "a.txt"), "old");
  EXPECT_EQ(FilesIn(dir.path()), 1);  // no temporary file left
}

TEST(Io, CommittingAMissingTemporaryFileFailsAndKeepsTheTarget) {
  ScratchDir dir("io-commit");
  WriteFileAtomic(dir / "a.txt", "old");
  const std::string e = ErrorOf([&] { CommitTempFile(dir / "never-written.tmp", dir / "a.txt"); });
  EXPECT_NE(e.find("a.txt"), std::string::npos) << e;
  EXPECT_EQ(ReadText(dir / "a.txt"), "old");
}

TEST(Io, ReadingADirectoryIsAnErrorNotAnEmptyFile) {
  ScratchDir dir("io-dir");
  fs::create_directories(dir / "sub");
  for (const std::string& e : {ErrorOf([&] { ReadFile(dir / "sub"); }),
                               ErrorOf([&] { JsonlReader reader(dir / "sub"); })}) {
    EXPECT_NE(e.find((dir / "sub").string() + "': it is a directory"), std::string::npos) << e;
  }
}

// The temporary files a killed atomic write of `name` left in `dir`.
std::vector<std::string> LeftTemporaryFiles(const fs::path& dir, const std::string& name) {
  std::vector<std::string> contents;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with("." + name + ".tmp.")) {
      contents.push_back(ReadText(e.path()));
    }
  }
  return contents;
}

// A directory that a "threadsafe" death test's child, which runs the test body again, finds
// too: named without a process id, emptied when made.
fs::path DeathTestDir(const std::string& name) {
  const fs::path dir = fs::path(RLAB_BINARY_DIR) / "test-scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The fault-injection point of the kill tests. Each death test re-runs this test binary
// ("threadsafe" style), so the variable is read fresh by a process that has renamed nothing
// yet; the files it starts from are written without the atomic writer for the same reason.
TEST(Io, FaultKillsTheProcessBeforeTheNthRenameOntoTheNamedFile) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const fs::path dir = DeathTestDir("io-kill-before");
  WriteText(dir / "latest.json", "old");
  EXPECT_EXIT(
      {
        ::setenv("RLAB_FAULT_KILL_BEFORE_RENAME", "latest.json:2", 1);
        WriteFileAtomic(dir / "other.json", "not counted");
        WriteFileAtomic(dir / "latest.json", "first");
        WriteFileAtomic(dir / "latest.json", "second");
        std::exit(0);
      },
      ::testing::KilledBySignal(SIGKILL), "");
  // Killed with the second write complete on disk beside the file it was to replace.
  EXPECT_EQ(ReadText(dir / "latest.json"), "first");
  EXPECT_EQ(ReadText(dir / "other.json"), "not counted");
  EXPECT_EQ(LeftTemporaryFiles(dir, "latest.json"), std::vector<std::string>{"second"});
  fs::remove_all(dir);
}

TEST(Io, FaultKillsTheProcessAfterTheNthRenameOntoAFileMatchingAGlob) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const fs::path dir = DeathTestDir("io-kill-after");
  EXPECT_EXIT(
      {
        ::setenv("RLAB_FAULT_KILL_AFTER_RENAME", "step-*.pt:1", 1);
        WriteFileAtomic(dir / "latest.json", "not counted");
        WriteFileAtomic(dir / "step-000000010.pt", "checkpoint");
        WriteFileAtomic(dir / "latest.json", "never written");
        std::exit(0);
      },
      ::testing::KilledBySignal(SIGKILL), "");
  EXPECT_EQ(ReadText(dir / "step-000000010.pt"), "checkpoint");
  EXPECT_EQ(ReadText(dir / "latest.json"), "not counted");
  EXPECT_TRUE(LeftTemporaryFiles(dir, "step-000000010.pt").empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace rlab
