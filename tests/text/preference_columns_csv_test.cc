// Preference data under other column names and in CSV: `--from columns` maps any columns to
// TRL's layout; the CSV reader follows RFC 4180 (quoted commas, quotes and line breaks, CRLF)
// and names file, line and column when the text breaks it; and a record the preference
// reader cannot use gets a hint at the converter that reads its layout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "rlab/text/csv_records.h"
#include "rlab/text/layout_hint.h"
#include "rlab/text/preference_convert.h"
#include "rlab/text/preference_dataset.h"
#include "test_support.h"

namespace rlab::data {
namespace {

using testing::Contains;
using testing::ErrorOf;
using testing::WriteText;

struct Row {
  nlohmann::json record;
  std::string where;
};

std::vector<Row> Csv(const std::string& text) {
  std::vector<Row> rows;
  ForEachCsvRecord(text, "in.csv", [&](const nlohmann::json& r, const std::string& where) {
    rows.push_back({r, where});
  });
  return rows;
}

std::string CsvError(const std::string& text) {
  return ErrorOf([&] { Csv(text); });
}

TEST(CsvRecords, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const auto rows = Csv("question,good,bad\r\n"
                        "\"Add 2, 3\",\"5\",\"six\"\r\n"
                        "\"Say \"\"hi\"\"\",\"line one\nline two\",plain\n"
                        "last,,\"\"\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].record["question"], "Add 2, 3");
  EXPECT_EQ(rows[0].where, "in.csv:2");
  EXPECT_EQ(rows[1].record["question"], "Say \"hi\"");
  EXPECT_EQ(rows[1].record["good"], "line one\nline two");
  EXPECT_EQ(rows[1].record["bad"], "plain");
  EXPECT_EQ(rows[2].where, "in.csv:5");  // the row after the two-line field
  EXPECT_EQ(rows[2].record["good"], "");
  EXPECT_EQ(rows[2].record["bad"], "");
}

TEST(CsvRecords, WithoutTrailingLineBreakAndWithByteOrderMark) {
  const auto rows = Csv("\xEF\xBB\xBFq,a\nx,y");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].record["q"], "x");
  EXPECT_EQ(rows[0].record["a"], "y");
}

TEST(CsvRecords, ErrorsNameFileLineAndColumn) {
  EXPECT_TRUE(Contains(CsvError("q,a\nx,\"open\nmore\n"), "in.csv:2:3: the quoted field that "
                                                          "starts here is never closed"));
  EXPECT_TRUE(Contains(CsvError("q,a\nx,ab\"c\n"), "in.csv:2:5: a quote inside an unquoted field"));
  EXPECT_TRUE(Contains(CsvError("q,a\nx,\"ab\"c\n"), "in.csv:2:7: text after the closing quote"));
  EXPECT_TRUE(Contains(CsvError("q,a\nx,y,z\n"), "in.csv:2: 3 fields, but the header names 2"));
  EXPECT_TRUE(Contains(CsvError("q,a\nx\n"), "in.csv:2: 1 fields, but the header names 2"));
  EXPECT_TRUE(Contains(CsvError("q,q\nx,y\n"), "in.csv:1: column name 'q' appears twice"));
  EXPECT_TRUE(Contains(CsvError("q,\nx,y\n"), "in.csv:1: column 2 of the header has no name"));
  EXPECT_TRUE(Contains(CsvError("q,a\n"), "in.csv: holds a header and no records"));
  EXPECT_TRUE(Contains(CsvError(""), "in.csv: empty CSV file"));
  EXPECT_TRUE(Contains(CsvError("q,a\nx,\"\xff\"\n"), "in.csv:2: field 'a' is not valid UTF-8"));
}

class ColumnsFormatTest : public ::testing::Test {
 protected:
  testing::ScratchDir dir_{"columns_format"};
  std::vector<nlohmann::json> Convert(const std::string& from, const std::string& name,
                                      const std::string& text, ConvertReport* report = nullptr) {
    WriteText(dir_ / name, text);
    ConvertOptions o;
    o.from = from;
    ConvertReport r;
    std::vector<nlohmann::json> out;
    for (const std::string& line : ConvertPreferenceRecords(dir_ / name, o, r)) {
      out.push_back(nlohmann::json::parse(line));
    }
    if (report != nullptr) *report = r;
    return out;
  }
};

TEST_F(ColumnsFormatTest, MapsCsvColumnsToPromptChosenRejectedAndSubset) {
  ConvertReport report;
  const auto out =
      Convert("columns(prompt=question, chosen=good, rejected=bad, subset=category)", "p.csv",
              "id,question,good,bad,category,note\n"
              "7,\"2+2, please\",4,5,math,x\n"
              "8,Greet,\"Hello, \"\"friend\"\"\",Hi,chat,y\n"
              "9,Empty,,Hi,chat,z\n",
              &report);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], nlohmann::json({{"prompt", "2+2, please"},
                                    {"chosen", "4"},
                                    {"rejected", "5"},
                                    {"id", "7"},
                                    {"subset", "math"}}));
  EXPECT_EQ(out[1]["chosen"], "Hello, \"friend\"");
  EXPECT_EQ(report.skipped_empty, 1);
  EXPECT_TRUE(Contains(report.skipped_where[0], "p.csv:4: field 'good' is empty"));
}

TEST_F(ColumnsFormatTest, KeepsConversationalColumnsAndReadsBackAsPairs) {
  const nlohmann::json record = {{"history", {{{"role", "user"}, {"content", "Hi?"}}}},
                                 {"win", {{{"role", "assistant"}, {"content", "Hello!"}}}},
                                 {"lose", {{{"role", "assistant"}, {"content", "Go away."}}}}};
  const auto out = Convert("columns(prompt=history, chosen=win, rejected=lose)", "c.jsonl",
                           record.dump() + "\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["prompt"], record["history"]);
  EXPECT_EQ(out[0]["chosen"], record["win"]);
  WriteText(dir_ / "back.jsonl", out[0].dump() + "\n");
  const auto back = ReadPreferenceRecords(dir_ / "back.jsonl", *models::MakeChatTemplate("chatml"));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].responses.size(), 2u);
}

TEST_F(ColumnsFormatTest, ErrorsNameTheMissingColumnAndTheFlag) {
  const std::string missing = ErrorOf([&] {
    Convert("columns(chosen=good, rejected=worse)", "m.jsonl",
            R"({"prompt": "p", "good": "a", "bad": "b"})"
            "\n");
  });
  EXPECT_TRUE(Contains(missing, "m.jsonl:1: missing column 'worse' (--rejected); the record's "
                                "columns are: bad, good, prompt"))
      << missing;
  EXPECT_TRUE(Contains(ErrorOf([&] { Convert("columns(chosen=a)", "n.jsonl", "{}\n"); }),
                       "--chosen COLUMN --rejected COLUMN"));
  EXPECT_TRUE(
      Contains(ErrorOf([&] { Convert("columns(chosen=a, rejected=a)", "n.jsonl", "{}\n"); }),
               "--chosen and --rejected both name column 'a'"));
}

TEST(LayoutHint, SuggestsTheConverterOfAKnownLayout) {
  const auto hint = [](const char* json) {
    return ConversionHint(nlohmann::json::parse(json), "data/x.jsonl:3");
  };
  EXPECT_TRUE(Contains(hint(R"({"conversations": [], "chosen": {}})"),
                       "`rlab data convert data/x.jsonl OUT.jsonl --from sharegpt`"));
  EXPECT_TRUE(Contains(hint(R"({"instruction": "i", "response1": "a", "response2": "b"})"),
                       "--from pairwise-annotated`"));
  EXPECT_TRUE(Contains(hint(R"({"question": "q", "response_j": "a", "response_k": "b"})"),
                       "--from columns --prompt question --chosen response_j --rejected "
                       "response_k`"));
  EXPECT_TRUE(Contains(hint(R"({"prompt": "q", "response_a": "a", "response_b": "b"})"),
                       "--prompt prompt --chosen response_a --rejected response_b"));
  EXPECT_TRUE(Contains(hint(R"({"question": "q", "answer": "a"})"), "data for `rlab sft`"));
  EXPECT_EQ(hint(R"({"foo": 1})"), "");
  EXPECT_TRUE(Contains(
      ConversionHint(nlohmann::json::parse(R"({"conversations": []})"), "a.json: record 4"),
      "convert a.json OUT.jsonl"));
}

TEST(LayoutHint, ThePreferenceReaderAppendsIt) {
  testing::ScratchDir dir("layout_hint");
  WriteText(dir / "arena.jsonl", R"({"prompt": "p", "response_a": "a", "response_b": "b"})"
                                 "\n");
  const std::string error = ErrorOf(
      [&] { ReadPreferenceRecords(dir / "arena.jsonl", *models::MakeChatTemplate("plain")); });
  EXPECT_TRUE(Contains(error, "arena.jsonl:1: missing field 'chosen'")) << error;
  EXPECT_TRUE(Contains(error, "arena.jsonl OUT.jsonl --from columns --prompt prompt --chosen "
                              "response_a --rejected response_b`"))
      << error;
}

}  // namespace
}  // namespace rlab::data
