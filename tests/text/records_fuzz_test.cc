// Fuzzing the text datasets' record files: preference records in every layout (JSON Lines and
// JSON arrays), SFT and KTO records, and the converters' input formats. Each mutant reads or
// fails with an rlab::Error naming the file; nothing crashes, hangs or throws a JSON exception.
#include <gtest/gtest.h>

#include "fuzz_support.h"
#include "rlab/text/preference_convert.h"
#include "rlab/text/preference_dataset.h"
#include "rlab/text/sft_dataset.h"
#include "rlab/text/unpaired_feedback.h"
#include "test_support.h"

namespace rlab::data {
namespace {

using testing::Fuzz;
using testing::FuzzOptions;
using testing::ScratchDir;
using testing::WriteText;

const std::vector<std::string> kPreferenceLines{
    R"({"prompt": "Q1: 1+1=", "chosen": " 2", "rejected": " 3"})",
    R"({"prompt": "Q: hi", "chosen": " a", "rejected": " b", "margin": 1.5, "subset": "math"})",
    R"({"prompt": "x", "chosen": "y", "rejected": "z", "tie": true, "score_chosen": 2, "score_rejected": 1})",
    R"({"prompt": "p", "ranking": ["best", "mid", "worst"]})",
    R"({"prompt": "p", "chosen": ["c"], "rejected": ["r1", "r2"]})",
    R"({"prompt": [{"role": "user", "content": "hi"}], "chosen": [{"role": "assistant", "content": "a"}], "rejected": [{"role": "assistant", "content": "b"}]})",
    R"({"chosen": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "rejected": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "b"}]})",
    R"({"chosen": "The answer is 4", "rejected": "The answer is 5"})",
};

const std::vector<std::string> kRecordDictionary{
    "\"prompt\"",   "\"chosen\"",     "\"rejected\"", "\"ranking\"",      "\"margin\"",
    "\"tie\"",      "\"subset\"",     "\"role\"",     "\"content\"",      "\"assistant\"",
    "\"messages\"", "\"completion\"", "\"label\"",    "\"score_chosen\"", "\"user\"",
    "\"system\"",   "\"\\ud800\"",    "\"\\u00e9\""};

const std::vector<std::string> kJsonOpeners{"[", "{\"a\":", "{\"prompt\":", "[{\"role\":"};

std::string Lines(const std::vector<std::string>& lines, size_t first, size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += lines[(first + i) % lines.size()] + "\n";
  return text;
}

// A few files of two to four records each, so that edits hit the first, middle and last line.
std::vector<std::string> JsonlSeeds(const std::vector<std::string>& lines) {
  std::vector<std::string> seeds;
  for (size_t i = 0; i < lines.size(); ++i) seeds.push_back(Lines(lines, i, 2 + i % 3));
  return seeds;
}

std::vector<std::string> JsonArraySeeds(const std::vector<std::string>& lines) {
  std::vector<std::string> seeds;
  for (size_t i = 0; i < lines.size(); ++i) {
    seeds.push_back("[" + lines[i] + ",\n" + lines[(i + 1) % lines.size()] + "]\n");
  }
  return seeds;
}

// Writes each mutant to `file` and runs `read` on it.
std::function<void(const std::string&)> ViaFile(const std::filesystem::path& file,
                                                std::function<void()> read) {
  return [file, read](const std::string& text) {
    WriteText(file, text);
    read();
  };
}

// Fuzzes a reader of record files: mutants of `lines` (as JSON Lines, or as one JSON array
// when `file` ends in .json) are written to `file` and read back with `read`.
void FuzzRecordFile(const std::string& name, const std::vector<std::string>& seeds, int64_t cases,
                    const std::filesystem::path& file, std::function<void()> read,
                    const std::vector<std::string>& dictionary = kRecordDictionary) {
  testing::ExpectNoFaults(Fuzz({.name = name,
                                .seeds = seeds,
                                .dictionary = dictionary,
                                .openers = kJsonOpeners,
                                .cases = cases},
                               ViaFile(file, std::move(read))));
}

class RecordsFuzz : public ::testing::Test {
 protected:
  ScratchDir dir_{"records-fuzz"};
  std::unique_ptr<models::ChatTemplate> chat_ = models::MakeChatTemplate("chatml");
};

TEST_F(RecordsFuzz, MutatedPreferenceJsonlReadsOrFailsCleanly) {
  const auto file = dir_ / "prefs.jsonl";
  FuzzRecordFile("preference-jsonl", JsonlSeeds(kPreferenceLines), 1000, file,
                 [&] { ReadPreferenceRecords(file, *chat_); });
}

TEST_F(RecordsFuzz, MutatedPreferenceJsonArraysReadOrFailCleanly) {
  const auto file = dir_ / "prefs.json";
  FuzzRecordFile("preference-json", JsonArraySeeds(kPreferenceLines), 600, file,
                 [&] { ReadPreferenceRecords(file, *chat_); });
}

TEST_F(RecordsFuzz, MutatedSftAndKtoRecordsReadOrFailCleanly) {
  const std::vector<std::string> sft_lines{
      R"({"prompt": "Q: 2+2=", "completion": " 4"})",
      R"({"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]})",
      R"({"prompt": [{"role": "user", "content": "q"}], "completion": [{"role": "assistant", "content": "a"}]})",
  };
  const std::vector<std::string> kto_lines{
      R"({"prompt": "Q: 2+2=", "completion": " 4", "label": true})",
      R"({"prompt": "Q: 3+3=", "completion": " 7", "label": false})",
      R"({"prompt": [{"role": "user", "content": "q"}], "completion": [{"role": "assistant", "content": "a"}], "label": true})",
  };
  const auto sft = dir_ / "sft.jsonl";
  FuzzRecordFile("sft-jsonl", JsonlSeeds(sft_lines), 500, sft,
                 [&] { ReadSftRecords(sft, *chat_); });
  const auto kto = dir_ / "kto.jsonl";
  FuzzRecordFile("kto-jsonl", JsonlSeeds(kto_lines), 500, kto, [&] {
    if (IsUnpairedFeedbackFile(kto)) ReadUnpairedRecords(kto, *chat_);
  });
}

TEST_F(RecordsFuzz, MutatedConverterInputsConvertOrFailCleanly) {
  const std::vector<std::string> annotated{
      R"({"idx": 1, "motivation_app": "Grammarly", "instruction": "Fix it.", "input": "teh", "response1": "the", "response2": "teh", "annotator1": 1, "annotator2": 1, "annotator3": 2})",
      R"({"input": "Pick one", "output_1": "a", "output_2": "b", "label": 2})",
      R"({"instruction": "Say hi", "input": "", "response1": "hi", "response2": "yo", "annotator1": 0})",
  };
  const std::vector<std::string> sharegpt{
      R"({"conversations": [{"from": "human", "value": "hi"}], "chosen": {"from": "gpt", "value": "hello"}, "rejected": {"from": "gpt", "value": "go"}})",
      R"({"system": "s", "conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}, {"from": "human", "value": "c"}], "chosen": "d", "rejected": "e", "subset": "x"})",
  };
  std::vector<std::string> dictionary = kRecordDictionary;
  for (const char* token : {"\"annotator1\"", "\"response1\"", "\"output_2\"", "\"from\"",
                            "\"value\"", "\"gpt\"", "\"human\"", "\"conversations\""}) {
    dictionary.push_back(token);
  }
  for (const auto& [format, lines] :
       {std::pair{"pairwise-annotated", annotated}, std::pair{"sharegpt", sharegpt}}) {
    const auto file = dir_ / (std::string(format) + ".jsonl");
    ConvertOptions options{.from = format, .seed = 3};
    FuzzRecordFile(
        std::string("convert-") + format, JsonlSeeds(lines), 500, file,
        [&] {
          ConvertReport report;
          ConvertPreferenceRecords(file, options, report);
        },
        dictionary);
  }
}

}  // namespace
}  // namespace rlab::data
