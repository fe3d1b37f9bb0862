// Unpaired (KTO) feedback records: TRL's conversational layout renders the prompt and the
// completion exactly as a conversational preference pair renders its prompt and chosen reply,
// standard records read as before, and records that do not fit name the file, line and field.
#include <gtest/gtest.h>

#include "rlab/text/preference_dataset.h"
#include "rlab/text/tokenizer/chat_template.h"
#include "rlab/text/unpaired_feedback.h"
#include "test_support.h"

namespace rlab::data::unpaired_feedback_test {
namespace {

class UnpairedFeedback : public ::testing::Test {
 protected:
  testing::ScratchDir dir_{"unpaired_feedback"};
  std::unique_ptr<models::ChatTemplate> chat_ = models::MakeChatTemplate("chatml");

  std::filesystem::path Write(const std::string& name, const std::string& text) {
    testing::WriteText(dir_ / name, text);
    return dir_ / name;
  }
  std::string ErrorFor(const std::string& name, const std::string& text) {
    const auto path = Write(name, text);
    return testing::ErrorOf([&] { ReadUnpairedRecords(path, *chat_); });
  }
};

TEST_F(UnpairedFeedback, ConversationalRecordsRenderAsConversationalPairsDo) {
  const auto unpaired = Write(
      "kto.jsonl",
      R"({"prompt": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "2+2?"}], "completion": [{"role": "assistant", "content": "4"}], "label": true})"
      "\n"
      R"({"prompt": "Q: 3+3=", "completion": " 7", "label": false})"
      "\n");
  const auto pair = Write(
      "pair.jsonl",
      R"({"prompt": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "2+2?"}], "chosen": [{"role": "assistant", "content": "4"}], "rejected": [{"role": "assistant", "content": "5"}]})"
      "\n");
  ASSERT_TRUE(IsUnpairedFeedbackFile(unpaired));
  const std::vector<UnpairedRecord> r = ReadUnpairedRecords(unpaired, *chat_);
  const std::vector<PreferenceRecord> p = ReadPreferenceRecords(pair, *chat_);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].prompt, p[0].prompt);
  EXPECT_EQ(r[0].completion, p[0].responses[0]);
  EXPECT_NE(r[0].prompt.find("be brief"), std::string::npos) << r[0].prompt;
  EXPECT_TRUE(r[0].desirable);
  EXPECT_EQ(r[1].prompt, "Q: 3+3=");
  EXPECT_EQ(r[1].completion, " 7");
  EXPECT_FALSE(r[1].desirable);
}

TEST_F(UnpairedFeedback, RecordsThatDoNotFitNameFileLineAndField) {
  const std::string good = R"({"prompt": "p", "completion": "c", "label": true})"
                           "\n";
  std::string e = ErrorFor(
      "mixed.jsonl",
      good + R"({"prompt": [{"role": "user", "content": "x"}], "completion": "y", "label": true})"
             "\n");
  EXPECT_NE(e.find("mixed.jsonl:2"), std::string::npos) << e;
  EXPECT_NE(e.find("'completion'"), std::string::npos) << e;
  e = ErrorFor(
      "role.jsonl",
      R"({"prompt": [{"role": "user", "content": "x"}], "completion": [{"role": "user", "content": "y"}], "label": true})"
      "\n");
  EXPECT_NE(e.find("role.jsonl:1"), std::string::npos) << e;
  EXPECT_NE(e.find("completion[0]"), std::string::npos) << e;
  e = ErrorFor("empty.jsonl",
               R"({"prompt": [{"role": "user", "content": "x"}], "completion": [], "label": false})"
               "\n");
  EXPECT_NE(e.find("'completion'"), std::string::npos) << e;
  e = ErrorFor("nolabel.jsonl", good + R"({"prompt": "p", "completion": "c"})"
                                       "\n");
  EXPECT_NE(e.find("nolabel.jsonl:2"), std::string::npos) << e;
  EXPECT_NE(e.find("'label'"), std::string::npos) << e;
  e = ErrorFor("noprompt.jsonl", R"({"completion": "c", "label": true})"
                                 "\n");
  EXPECT_NE(e.find("'prompt'"), std::string::npos) << e;
}

}  // namespace
}  // namespace rlab::data::unpaired_feedback_test
