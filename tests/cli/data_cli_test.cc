// rlab data convert / inspect: the files they write and the figures they print, and one
// clear error line (file, line, field) with exit status 1 for bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace rlab {
namespace {

using testing::LastLine;
using testing::ReadText;
using testing::RunRlab;
using testing::WriteText;

const char* kAnnotated =
    R"({"idx": 0, "motivation_app": "Gmail", "instruction": "Greet.", "input": "", "response1": "Hi", "response2": "Hello there", "annotator1": 2, "annotator2": 2, "annotator3": 1})"
    "\n"
    R"({"idx": 1, "motivation_app": "Gmail", "instruction": "Greet.", "input": "", "response1": "Hi", "response2": "Hello there", "annotator1": 2, "annotator2": 2, "annotator3": 2})"
    "\n"
    R"({"idx": 2, "motivation_app": "IMDB", "instruction": "Rate.", "input": "A film", "response1": "5", "response2": "4", "annotator1": 1, "annotator2": 1, "annotator3": 2})"
    "\n"
    R"({"idx": 3, "motivation_app": "IMDB", "instruction": "Rate.", "input": "A film", "response1": "4", "response2": "5", "annotator1": 1, "annotator2": 1, "annotator3": 1})"
    "\n"
    R"({"idx": 4, "motivation_app": "IMDB", "instruction": "Rate.", "input": "", "response1": "", "response2": "5", "annotator1": 1, "annotator2": 1, "annotator3": 1})"
    "\n"
    R"({"idx": 5, "motivation_app": "IMDB", "instruction": "Rate.", "input": "", "response1": "x", "response2": "y", "annotator1": 1, "annotator2": 2, "annotator3": 0})"
    "\n";

TEST(DataCli, ConvertThenInspect) {
  testing::ScratchDir dir("data_cli");
  WriteText(dir / "in.jsonl", kAnnotated);
  const auto convert = RunRlab({"data", "convert", (dir / "in.jsonl").string(),
                                (dir / "out.jsonl").string(), "--from", "pairwise-annotated"});
  ASSERT_EQ(convert.exit_code, 0) << convert.err;
  EXPECT_NE(convert.out.find("read 6 records"), std::string::npos) << convert.out;
  EXPECT_NE(convert.out.find("wrote 5 records, 1 of them ties"), std::string::npos) << convert.out;
  EXPECT_NE(convert.out.find("3 unanimous, 3 split decisions (1 without a majority)"),
            std::string::npos)
      << convert.out;
  EXPECT_NE(convert.out.find("in.jsonl:5: field 'response1' is empty"), std::string::npos)
      << convert.out;

  const auto text = RunRlab({"data", "inspect", (dir / "out.jsonl").string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(
      text.out.find("records: 5 (pairs: 5, rankings: 0, best-of-N: 0), ties: 1, with margin: 0"),
      std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("duplicates: 1\n  " + (dir / "out.jsonl").string() + ":2 repeats " +
                          (dir / "out.jsonl").string() + ":1"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("contradictory duplicates: 1\n  " + (dir / "out.jsonl").string() +
                          ":4 contradicts " + (dir / "out.jsonl").string() + ":3"),
            std::string::npos)
      << text.out;

  const auto json = RunRlab({"data", "inspect", (dir / "out.jsonl").string(), "--json",
                             "--max-length", "10", "--tokenizer", "byte"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json j = nlohmann::json::parse(LastLine(json.out));
  EXPECT_EQ(j["records"], 5);
  EXPECT_EQ(j["ties"], 1);
  EXPECT_EQ(j["duplicates"]["count"], 1);
  EXPECT_EQ(j["contradictory_duplicates"]["count"], 1);
  // BOS + "Greet." + "Hello there" is 18 tokens, and + "Hi" 9; "Rate.\n\nA film" + 1 is 15;
  // "Rate." + 1 is 7.
  EXPECT_EQ(j["sequences"], 10);
  EXPECT_EQ(j["over_max_length"], 6);
  EXPECT_EQ(j["prompt_chars"]["max"], 13);
  EXPECT_EQ(j["chat_template"], "plain");
}

TEST(DataCli, ErrorsNameFileLineAndField) {
  testing::ScratchDir dir("data_cli_errors");
  WriteText(dir / "bad.jsonl", R"({"prompt": "p", "chosen": "a", "rejected": "b"})"
                               "\n"
                               "{\"prompt\": \"p\", \"chosen\": \"\xff\", \"rejected\": \"b\"}\n");
  const auto inspect = RunRlab({"data", "inspect", (dir / "bad.jsonl").string()});
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_NE(
      inspect.err.find("bad.jsonl:2: field 'chosen' is not valid UTF-8 (byte 0xff at offset 0)"),
      std::string::npos)
      << inspect.err;

  WriteText(dir / "out.jsonl", "keep me\n");
  WriteText(dir / "in.jsonl",
            std::string(kAnnotated) +
                R"({"instruction": "x", "response1": "a", "response2": "b", "annotator1": 7})"
                "\n");
  const auto convert = RunRlab({"data", "convert", (dir / "in.jsonl").string(),
                                (dir / "out.jsonl").string(), "--from", "pairwise-annotated"});
  EXPECT_EQ(convert.exit_code, 1);
  EXPECT_NE(convert.err.find("in.jsonl:7: field 'annotator1' must be 0 (tie)"), std::string::npos)
      << convert.err;
  EXPECT_EQ(ReadText(dir / "out.jsonl"), "keep me\n");

  const auto format = RunRlab({"data", "convert", (dir / "in.jsonl").string(),
                               (dir / "o2.jsonl").string(), "--from", "alpaca"});
  EXPECT_EQ(format.exit_code, 1);
  EXPECT_NE(format.err.find("valid names: columns, pairwise-annotated, sharegpt"),
            std::string::npos)
      << format.err;
  const auto policy =
      RunRlab({"data", "convert", (dir / "in.jsonl").string(), (dir / "o2.jsonl").string(),
               "--from", "sharegpt", "--tie-policy", "coin"});
  EXPECT_EQ(policy.exit_code, 1);
  EXPECT_NE(policy.err.find("unknown tie policy 'coin'"), std::string::npos) << policy.err;
}

}  // namespace
}  // namespace rlab
