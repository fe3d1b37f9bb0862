// Preference data in TRL's formats: every layout gives the same prompt and responses, optional
// fields are read, and bad records name their file, line and field.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "rlab/text/preference_dataset.h"
#include "rlab/text/split.h"
#include "test_support.h"

namespace rlab::data {
namespace {

using testing::ErrorOf;
using testing::WriteText;

class PreferenceDatasetTest : public ::testing::Test {
 protected:
  std::unique_ptr<models::ChatTemplate> plain_ = models::MakeChatTemplate("plain");
  testing::ScratchDir dir_{"preference_dataset"};
  std::vector<PreferenceRecord> Read(const std::string& name, const std::string& text) {
    WriteText(dir_ / name, text);
    return ReadPreferenceRecords(dir_ / name, *plain_);
  }
  std::string Error(const std::string& name, const std::string& text) {
    WriteText(dir_ / name, text);
    return ErrorOf([&] { ReadPreferenceRecords(dir_ / name, *plain_); });
  }
};

TEST_F(PreferenceDatasetTest, StandardAndImplicitPromptAgree) {
  const auto standard = Read("s.jsonl", R"({"prompt": "Q: 2+2?", "chosen": " 4", "rejected": " 5"})"
                                        "\n");
  const auto implicit = Read("i.jsonl", R"({"chosen": "Q: 2+2? 4", "rejected": "Q: 2+2? 5"})"
                                        "\n");
  ASSERT_EQ(standard.size(), 1u);
  EXPECT_EQ(standard[0].prompt, "Q: 2+2?");
  EXPECT_EQ(standard[0].responses, (std::vector<std::string>{" 4", " 5"}));
  EXPECT_EQ(implicit[0].prompt, "Q: 2+2? ");
  EXPECT_EQ(implicit[0].responses, (std::vector<std::string>{"4", "5"}));
  EXPECT_FALSE(standard[0].tie);
  EXPECT_FALSE(standard[0].margin.has_value());
}

TEST_F(PreferenceDatasetTest, ConversationsExplicitAndImplicit) {
  const auto explicit_prompt = Read(
      "c.jsonl",
      R"({"prompt": [{"role": "user", "content": "hi"}], "chosen": [{"role": "assistant", "content": "hello"}], "rejected": [{"role": "assistant", "content": "go away"}]})"
      "\n");
  const auto implicit = Read(
      "ci.jsonl",
      R"({"chosen": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}], "rejected": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "go away"}]})"
      "\n");
  const std::vector<models::ChatMessage> prompt = {{"user", "hi"}};
  EXPECT_EQ(explicit_prompt[0].prompt, plain_->Render(prompt, true));
  EXPECT_EQ(explicit_prompt[0].prompt, implicit[0].prompt);
  EXPECT_EQ(explicit_prompt[0].responses, implicit[0].responses);
  EXPECT_EQ(explicit_prompt[0].prompt + explicit_prompt[0].responses[0],
            plain_->Render(std::vector<models::ChatMessage>{{"user", "hi"}, {"assistant", "hello"}},
                           false));
}

TEST_F(PreferenceDatasetTest, MarginsScoresTiesAndRankings) {
  const auto r = Read(
      "m.jsonl",
      R"({"prompt": "p", "chosen": "a", "rejected": "b", "margin": 2.5})"
      "\n"
      R"({"prompt": "p", "chosen": "a", "rejected": "b", "score_chosen": 7, "score_rejected": 4})"
      "\n"
      R"({"prompt": "p", "chosen": "a", "rejected": "b", "tie": true})"
      "\n"
      R"({"prompt": "p", "ranking": ["a", "b", "c"]})"
      "\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_DOUBLE_EQ(*r[0].margin, 2.5);
  EXPECT_DOUBLE_EQ(*r[1].margin, 3.0);
  EXPECT_DOUBLE_EQ(*r[1].score_chosen, 7.0);
  EXPECT_TRUE(r[2].tie);
  EXPECT_EQ(r[3].responses, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(r[3].is_pair());
}

TEST_F(PreferenceDatasetTest, BadRecordsNameFileLineAndField) {
  const std::string good = R"({"prompt": "p", "chosen": "a", "rejected": "b"})"
                           "\n";
  std::string e = Error("b1.jsonl", good + R"({"prompt": "p", "chosen": "a"})"
                                           "\n");
  EXPECT_NE(e.find("b1.jsonl:2"), std::string::npos) << e;
  EXPECT_NE(e.find("'rejected'"), std::string::npos) << e;
  e = Error("b2.jsonl", good + good +
                            R"({"prompt": "p", "chosen": "a", "rejected": "b", "margin": "big"})"
                            "\n");
  EXPECT_NE(e.find("b2.jsonl:3"), std::string::npos) << e;
  EXPECT_NE(e.find("'margin'"), std::string::npos) << e;
  e = Error("b3.jsonl", R"({"prompt": "p", "chosen": "a", "rejected": "b", "score_chosen": 1})"
                        "\n");
  EXPECT_NE(e.find("score_rejected"), std::string::npos) << e;
  e = Error("b4.jsonl", R"({"prompt": "p", "ranking": ["a"]})"
                        "\n");
  EXPECT_NE(e.find("'ranking'"), std::string::npos) << e;
  e = Error(
      "b5.jsonl",
      R"({"prompt": [{"role": "user", "content": "x"}], "chosen": [{"role": "user", "content": "y"}], "rejected": [{"role": "assistant", "content": "z"}]})"
      "\n");
  EXPECT_NE(e.find("chosen[0]"), std::string::npos) << e;
  e = Error("b6.jsonl", R"({"prompt": "p", "chosen": "a", "rejected": "a"})"
                        "\n");
  EXPECT_NE(e.find("same response"), std::string::npos) << e;
  e = Error("b7.json", R"([{"prompt": "p", "chosen": 3, "rejected": "a"}])");
  EXPECT_NE(e.find("record 0"), std::string::npos) << e;
  EXPECT_NE(e.find("'chosen'"), std::string::npos) << e;
}

// The JSON parser refuses ill-formed UTF-8 before fields exist; the error still names the
// line, the field (a path into the record) and the byte.
TEST_F(PreferenceDatasetTest, InvalidUtf8NamesLineFieldAndByte) {
  const std::string good = R"({"prompt": "p", "chosen": "a", "rejected": "b"})"
                           "\n";
  std::string e = Error(
      "u1.jsonl", good + "{\"prompt\": \"p\", \"chosen\": \"ab\xff\", \"rejected\": \"c\"}\n");
  EXPECT_NE(e.find("u1.jsonl:2: field 'chosen' is not valid UTF-8 (byte 0xff at offset 2)"),
            std::string::npos)
      << e;
  // Inside a chat message, after an escape (offsets count the decoded bytes).
  e = Error("u2.jsonl", "{\"prompt\": [{\"role\": \"user\", \"content\": \"\\n\xc3\"}], "
                        "\"chosen\": [{\"role\": \"assistant\", \"content\": \"x\"}], "
                        "\"rejected\": [{\"role\": \"assistant\", \"content\": \"y\"}]}\n");
  EXPECT_NE(
      e.find("u2.jsonl:1: field 'prompt[0].content' is not valid UTF-8 (byte 0xc3 at offset 1)"),
      std::string::npos)
      << e;
  // A UTF-16 surrogate encoded as UTF-8 (ED A0 80) is ill-formed too.
  e = Error("u3.jsonl",
            good + good + "{\"prompt\": \"p\", \"ranking\": [\"a\", \"\xed\xa0\x80\"]}\n");
  EXPECT_NE(e.find("u3.jsonl:3: field 'ranking[1]' is not valid UTF-8 (byte 0xed at offset 0)"),
            std::string::npos)
      << e;
  // A JSON array file: the record index instead of the line.
  e = Error("u4.json", "[{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"},\n "
                       "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"\xfe\"}]");
  EXPECT_NE(
      e.find("u4.json: record 1: field 'rejected' is not valid UTF-8 (byte 0xfe at offset 0)"),
      std::string::npos)
      << e;
  // A byte outside every string, and a lone surrogate escape (well-formed bytes, refused by
  // the parser): file and line still named.
  e = Error("u5.jsonl", "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\xff\n");
  EXPECT_NE(e.find("u5.jsonl:1: byte 0xff at column 48 is not valid UTF-8"), std::string::npos)
      << e;
  e = Error("u6.jsonl", good + R"({"prompt": "p", "chosen": "\udcff", "rejected": "b"})"
                               "\n");
  EXPECT_NE(e.find("u6.jsonl:2: malformed JSON"), std::string::npos) << e;
}

TEST_F(PreferenceDatasetTest, EmptyResponsesAreErrors) {
  std::string e = Error("e1.jsonl", R"({"prompt": "p", "chosen": "", "rejected": "b"})"
                                    "\n");
  EXPECT_NE(e.find("e1.jsonl:1: field 'chosen' is an empty string"), std::string::npos) << e;
  e = Error("e2.jsonl", R"({"prompt": "p", "ranking": ["a", "b", ""]})"
                        "\n");
  EXPECT_NE(e.find("e2.jsonl:1: field 'ranking[2]' is an empty string"), std::string::npos) << e;
  e = Error(
      "e3.jsonl",
      R"({"prompt": [{"role": "user", "content": "x"}], "chosen": [{"role": "assistant", "content": "y"}], "rejected": [{"role": "assistant", "content": ""}]})"
      "\n");
  EXPECT_NE(e.find("e3.jsonl:1: field 'rejected[0].content' is an empty string"), std::string::npos)
      << e;
  // Implicit conversation: the index is the message's place in the record's list.
  e = Error(
      "e4.jsonl",
      R"({"chosen": [{"role": "user", "content": "x"}, {"role": "assistant", "content": ""}], "rejected": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "z"}]})"
      "\n");
  EXPECT_NE(e.find("field 'chosen[1].content' is an empty string"), std::string::npos) << e;
  // Implicit prompt in plain text: one response is a prefix of the other.
  e = Error("e5.jsonl", R"({"chosen": "Q: 2+2?", "rejected": "Q: 2+2? 5"})"
                        "\n");
  EXPECT_NE(e.find("e5.jsonl:1: field 'chosen' has no text after the prompt"), std::string::npos)
      << e;
  // A missing prompt for a ranking names the field too.
  e = Error("e6.jsonl", R"({"ranking": ["a", "b"]})"
                        "\n");
  EXPECT_NE(e.find("e6.jsonl:1"), std::string::npos) << e;
  EXPECT_NE(e.find("\"prompt\""), std::string::npos) << e;
}

TEST(PreferenceDataset, BestOfNAndSubsets) {
  rlab::testing::ScratchDir dir("preference_best_of_n");
  rlab::testing::WriteText(
      dir / "bon.jsonl",
      R"({"prompt": "p", "chosen": ["good"], "rejected": ["bad", "worse", "awful"], "subset": "math/easy"})"
      "\n"
      R"({"prompt": "p", "ranking": ["a", "b", "c"], "subset": "chat"})"
      "\n");
  const auto chat = models::MakeChatTemplate("plain");
  const auto r = ReadPreferenceRecords(dir / "bon.jsonl", *chat);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].responses, (std::vector<std::string>{"good", "bad", "worse", "awful"}));
  EXPECT_FALSE(r[0].ranked);
  EXPECT_EQ(r[0].subset, "math/easy");
  EXPECT_TRUE(r[1].ranked);
  EXPECT_EQ(r[1].subset, "chat");
  rlab::testing::WriteText(dir / "bad.jsonl",
                           R"({"prompt": "p", "chosen": ["a", "b"], "rejected": ["c", "d"]})"
                           "\n");
  EXPECT_NE(rlab::testing::ErrorOf([&] {
              ReadPreferenceRecords(dir / "bad.jsonl", *chat);
            }).find("bad.jsonl:1: field 'chosen' must be one text"),
            std::string::npos);
}

TEST(SplitHeldOut, DeterministicAndDisjoint) {
  std::vector<int> a(100), b;
  std::iota(a.begin(), a.end(), 0);
  std::vector<int> c = a, d;
  SplitHeldOut(a, b, 0.1, 7);
  SplitHeldOut(c, d, 0.1, 7);
  EXPECT_EQ(a, c);
  EXPECT_EQ(b, d);
  EXPECT_EQ(b.size(), 10u);
  for (int x : b) EXPECT_EQ(std::count(a.begin(), a.end(), x), 0);
}

}  // namespace
}  // namespace rlab::data
