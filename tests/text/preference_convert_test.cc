// Converting PandaLM/LLMBar-style annotated pairs and ShareGPT preference records to TRL's
// layout: majority labels and ties, the tie policy, skipped records, errors that name file,
// line and field, and an output file that is either complete or untouched.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "rlab/text/preference_convert.h"
#include "rlab/text/preference_dataset.h"
#include "test_support.h"

namespace rlab::data {
namespace {

namespace fs = std::filesystem;
using testing::ErrorOf;
using testing::ReadText;
using testing::WriteText;

nlohmann::json Pandalm(int idx, const std::string& input, const std::string& r1,
                       const std::string& r2, std::vector<int> labels) {
  nlohmann::json o = {{"idx", idx},
                      {"motivation_app", "Grammarly"},
                      {"instruction", "Fix it."},
                      {"input", input},
                      {"response1", r1},
                      {"response2", r2}};
  for (std::size_t i = 0; i < labels.size(); ++i)
    o["annotator" + std::to_string(i + 1)] = labels[i];
  return o;
}

std::string Jsonl(const std::vector<nlohmann::json>& records) {
  std::string text;
  for (const auto& r : records) text += r.dump() + "\n";
  return text;
}

std::vector<nlohmann::json> Lines(const fs::path& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(ReadText(path));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

class PreferenceConvertTest : public ::testing::Test {
 protected:
  testing::ScratchDir dir_{"preference_convert"};
  std::unique_ptr<models::ChatTemplate> plain_ = models::MakeChatTemplate("plain");
  ConvertReport Convert(const std::string& from, const std::string& text,
                        TiePolicy ties = TiePolicy::kKeep, const std::string& name = "in.jsonl") {
    WriteText(dir_ / name, text);
    ConvertOptions o;
    o.from = from;
    o.ties = ties;
    return ConvertPreferenceFile(dir_ / name, dir_ / "out.jsonl", o);
  }
  std::string Error(const std::string& from, const std::string& text,
                    const std::string& name = "bad.jsonl") {
    WriteText(dir_ / name, text);
    ConvertOptions o;
    o.from = from;
    return ErrorOf([&] { ConvertPreferenceFile(dir_ / name, dir_ / "out.jsonl", o); });
  }
};

TEST_F(PreferenceConvertTest, MajorityLabelsAndTies) {
  const ConvertReport r = Convert("pairwise-annotated",
                                  Jsonl({Pandalm(0, "", "a", "b", {2, 2, 2}),      // unanimous: b
                                         Pandalm(1, "text", "a", "b", {1, 1, 2}),  // split, a wins
                                         Pandalm(2, "", "a", "b", {1, 2, 0}),  // no majority: tie
                                         Pandalm(3, "", "a", "b", {0, 0, 1})}));  // majority tie
  EXPECT_EQ(r.read, 4);
  EXPECT_EQ(r.written, 4);
  EXPECT_EQ(r.ties, 2);
  EXPECT_EQ(r.written_ties, 2);
  EXPECT_EQ(r.multi_label, 4);
  EXPECT_EQ(r.unanimous, 1);
  EXPECT_EQ(r.split, 3);
  EXPECT_EQ(r.no_majority, 1);
  const auto out = Lines(dir_ / "out.jsonl");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0]["prompt"], "Fix it.");
  EXPECT_EQ(out[0]["chosen"], "b");
  EXPECT_EQ(out[0]["rejected"], "a");
  EXPECT_FALSE(out[0].contains("tie"));
  EXPECT_EQ(out[0]["subset"], "Grammarly");
  EXPECT_EQ(out[0]["id"], 0);
  EXPECT_EQ(out[1]["prompt"], "Fix it.\n\ntext");
  EXPECT_EQ(out[1]["chosen"], "a");
  EXPECT_EQ(out[2]["tie"], true);
  EXPECT_EQ(out[2]["chosen"], "a");  // a tie keeps response1 first
  EXPECT_EQ(out[3]["tie"], true);
  // The output is what the preference reader takes.
  const auto records = ReadPreferenceRecords(dir_ / "out.jsonl", *plain_);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].responses, (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(records[2].tie);
  EXPECT_FALSE(records[1].tie);
}

TEST_F(PreferenceConvertTest, DropPolicyAndSkippedRecords) {
  const ConvertReport r = Convert(
      "pairwise-annotated",
      Jsonl({Pandalm(0, "", "a", "b", {1, 1, 1}), Pandalm(1, "", "a", "b", {0, 0, 0}),
             Pandalm(2, "", "a", "", {1, 1, 1}),           // empty response: skipped
             Pandalm(3, "", "same", "same", {2, 2, 1})}),  // identical and not a tie: skipped
      TiePolicy::kDrop);
  EXPECT_EQ(r.read, 4);
  EXPECT_EQ(r.written, 1);
  EXPECT_EQ(r.ties, 1);
  EXPECT_EQ(r.dropped_ties, 1);
  EXPECT_EQ(r.written_ties, 0);
  EXPECT_EQ(r.skipped_empty, 1);
  EXPECT_EQ(r.skipped_identical, 1);
  ASSERT_EQ(r.skipped_where.size(), 2u);
  EXPECT_NE(r.skipped_where[0].find("in.jsonl:3: field 'response2' is empty"), std::string::npos)
      << r.skipped_where[0];
  EXPECT_NE(r.skipped_where[1].find("in.jsonl:4"), std::string::npos);
  EXPECT_EQ(Lines(dir_ / "out.jsonl").size(), 1u);
}

// PandaLM's file holds a few responses as JSON true: written as text and counted.
TEST_F(PreferenceConvertTest, ScalarResponsesBecomeText) {
  nlohmann::json b = Pandalm(7, "", "x", "True.", {1, 1, 0});
  b["response1"] = true;
  nlohmann::json n = Pandalm(8, "", "x", "y", {2, 2, 2});
  n["response2"] = 42;
  const ConvertReport r = Convert("pairwise-annotated", Jsonl({b, n}));
  EXPECT_EQ(r.coerced, 2);
  ASSERT_EQ(r.coerced_where.size(), 2u);
  EXPECT_NE(r.coerced_where[0].find("in.jsonl:1: field 'response1' is not a string"),
            std::string::npos)
      << r.coerced_where[0];
  const auto out = Lines(dir_ / "out.jsonl");
  EXPECT_EQ(out[0]["chosen"], "True");
  EXPECT_EQ(out[1]["chosen"], "42");
  nlohmann::json o = Pandalm(9, "", "x", "y", {1, 1, 1});
  o["response2"] = nlohmann::json::object();
  const std::string e = Error("pairwise-annotated", Jsonl({o}));
  EXPECT_NE(e.find("bad.jsonl:1: field 'response2' must be a string (the response)"),
            std::string::npos)
      << e;
}

TEST_F(PreferenceConvertTest, LlmbarFieldNames) {
  const ConvertReport r =
      Convert("pairwise-annotated",
              R"([{"input": "Write a haiku.", "output_1": "one", "output_2": "two", "label": 2},
          {"input": "Count.", "output_1": "1 2 3", "output_2": "3 2 1", "label": 1}])",
              TiePolicy::kKeep, "llmbar.json");
  EXPECT_EQ(r.written, 2);
  EXPECT_EQ(r.multi_label, 0);  // one label each: neither unanimous nor split
  EXPECT_EQ(r.ties, 0);
  const auto out = Lines(dir_ / "out.jsonl");
  EXPECT_EQ(out[0]["prompt"], "Write a haiku.");
  EXPECT_EQ(out[0]["chosen"], "two");
  EXPECT_EQ(out[0]["rejected"], "one");
  EXPECT_EQ(out[1]["chosen"], "1 2 3");
  EXPECT_FALSE(out[0].contains("id"));
}

TEST_F(PreferenceConvertTest, ShareGptBecomesConversational) {
  const std::string text =
      R"({"id": "c1", "system": "Be brief.", "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}, {"from": "human", "value": "2+2?"}], "chosen": {"from": "gpt", "value": "4"}, "rejected": "5"})"
      "\n";
  const ConvertReport r = Convert("sharegpt", text);
  EXPECT_EQ(r.written, 1);
  const auto out = Lines(dir_ / "out.jsonl");
  const nlohmann::json prompt = nlohmann::json::parse(
      R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}, {"role": "user", "content": "2+2?"}])");
  EXPECT_EQ(out[0]["prompt"], prompt);
  EXPECT_EQ(out[0]["chosen"], nlohmann::json::parse(R"([{"role": "assistant", "content": "4"}])"));
  EXPECT_EQ(out[0]["rejected"],
            nlohmann::json::parse(R"([{"role": "assistant", "content": "5"}])"));
  EXPECT_EQ(out[0]["id"], "c1");
  const auto records = ReadPreferenceRecords(dir_ / "out.jsonl", *plain_);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(
      records[0].prompt,
      plain_->Render(
          std::vector<models::ChatMessage>{
              {"system", "Be brief."}, {"user", "hi"}, {"assistant", "hello"}, {"user", "2+2?"}},
          true));
}

TEST_F(PreferenceConvertTest, BadInputNamesFileLineAndField) {
  const std::string good = Pandalm(0, "", "a", "b", {1, 1, 1}).dump() + "\n";
  std::string e =
      Error("pairwise-annotated", good + Pandalm(1, "", "a", "b", {1, 3, 1}).dump() + "\n");
  EXPECT_NE(e.find("bad.jsonl:2: field 'annotator2' must be 0 (tie), 1"), std::string::npos) << e;
  nlohmann::json no_r2 = Pandalm(1, "", "a", "b", {1});
  no_r2.erase("response2");
  e = Error("pairwise-annotated", good + good + no_r2.dump() + "\n");
  EXPECT_NE(e.find("bad.jsonl:3: missing field 'response2'"), std::string::npos) << e;
  e = Error("pairwise-annotated", Pandalm(1, "", "a", "b", {}).dump() + "\n");
  EXPECT_NE(e.find("bad.jsonl:1: no label"), std::string::npos) << e;
  e = Error("pairwise-annotated",
            R"({"instruction": "x", "input": 5, "response1": "a", "response2": "b", "label": 1})"
            "\n");
  EXPECT_NE(e.find("bad.jsonl:1: field 'input' must be a string"), std::string::npos) << e;
  e = Error(
      "pairwise-annotated",
      R"({"instruction": "x", "response1": "a", "response2": "b", "label": 1, "preference": 2})"
      "\n");
  EXPECT_NE(e.find("ambiguous"), std::string::npos) << e;
  e = Error(
      "sharegpt",
      R"([{"conversations": [{"from": "human", "value": "q"}, {"from": "bot", "value": "r"}, {"from": "human", "value": "q"}], "chosen": "a", "rejected": "b"}])",
      "bad.json");
  EXPECT_NE(e.find("bad.json: record 0: field 'conversations[1].from' is 'bot'"), std::string::npos)
      << e;
  e = Error(
      "sharegpt",
      R"({"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "r"}], "chosen": "a", "rejected": "b"})"
      "\n");
  EXPECT_NE(e.find("bad.jsonl:1: field 'conversations[1]' is from 'gpt'"), std::string::npos) << e;
  e = Error(
      "sharegpt",
      R"({"conversations": [{"from": "human", "value": "q"}], "chosen": {"from": "human", "value": "a"}, "rejected": "b"})"
      "\n");
  EXPECT_NE(e.find("bad.jsonl:1: field 'chosen.from' is 'human'"), std::string::npos) << e;
  e = Error(
      "sharegpt",
      R"({"conversations": [{"from": "human", "value": "q"}], "chosen": {"from": "gpt"}, "rejected": "b"})"
      "\n");
  EXPECT_NE(e.find("bad.jsonl:1: missing field 'chosen.value'"), std::string::npos) << e;
  e = Error("nope", good);
  EXPECT_NE(e.find("unknown preference format 'nope'; valid names: columns, pairwise-annotated, "
                   "sharegpt"),
            std::string::npos)
      << e;
  e = ErrorOf([] { ParseTiePolicy("maybe"); });
  EXPECT_NE(e.find("keep"), std::string::npos) << e;
}

TEST_F(PreferenceConvertTest, FailedConversionLeavesOutputUntouched) {
  WriteText(dir_ / "out.jsonl", "old contents\n");
  const std::string good = Pandalm(0, "", "a", "b", {1, 1, 1}).dump() + "\n";
  const std::string e = Error("pairwise-annotated", good + good + "{\"instruction\": \n");
  EXPECT_NE(e.find("bad.jsonl:3"), std::string::npos) << e;
  EXPECT_EQ(ReadText(dir_ / "out.jsonl"), "old contents\n");
  // Nothing left over beside it: no temporary file.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"bad.jsonl", "out.jsonl"}));
  // Every record dropped: an error, and the old file stays.
  const std::string all_ties = Jsonl({Pandalm(0, "", "a", "b", {0, 0, 0})});
  WriteText(dir_ / "ties.jsonl", all_ties);
  ConvertOptions o{"pairwise-annotated", TiePolicy::kDrop, std::nullopt};
  const std::string none =
      ErrorOf([&] { ConvertPreferenceFile(dir_ / "ties.jsonl", dir_ / "out.jsonl", o); });
  EXPECT_NE(none.find("no record left to write"), std::string::npos) << none;
  EXPECT_EQ(ReadText(dir_ / "out.jsonl"), "old contents\n");
}

TEST_F(PreferenceConvertTest, SeedShufflesDeterministically) {
  std::vector<nlohmann::json> in;
  for (int i = 0; i < 20; ++i)
    in.push_back(Pandalm(i, "", "a" + std::to_string(i), "b", {1, 1, 1}));
  WriteText(dir_ / "in.jsonl", Jsonl(in));
  ConvertOptions o{"pairwise-annotated", TiePolicy::kKeep, std::nullopt};
  ConvertReport report;
  const auto ordered = ConvertPreferenceRecords(dir_ / "in.jsonl", o, report);
  o.seed = 3;
  const auto a = ConvertPreferenceRecords(dir_ / "in.jsonl", o, report);
  const auto b = ConvertPreferenceRecords(dir_ / "in.jsonl", o, report);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, ordered);
  auto sorted_a = a, sorted_ordered = ordered;
  std::sort(sorted_a.begin(), sorted_a.end());
  std::sort(sorted_ordered.begin(), sorted_ordered.end());
  EXPECT_EQ(sorted_a, sorted_ordered);
  EXPECT_EQ(nlohmann::json::parse(ordered[0])["id"], 0);
}

}  // namespace
}  // namespace rlab::data
