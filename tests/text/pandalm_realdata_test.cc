// PandaLM's human-annotated test set (../shared/data/pandalm/testset-v1.json, 999 records with
// three annotators each) converts to TRL's layout: the tie count under the majority rule, as
// counted here straight from the raw JSON, and a file the preference reader takes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>

#include "rlab/core/io.h"
#include "rlab/text/preference_convert.h"
#include "rlab/text/preference_dataset.h"
#include "test_support.h"

namespace rlab::data {
namespace {

namespace fs = std::filesystem;

fs::path TestSet() {
  return fs::path(RLAB_SOURCE_DIR) / ".." / "shared" / "data" / "pandalm" / "testset-v1.json";
}

// The figures of the raw file, counted without the converter's code.
struct RawCounts {
  int records = 0, ties = 0, unanimous = 0, no_majority = 0, empty = 0, not_text = 0;
};

RawCounts CountRaw(const nlohmann::json& doc) {
  RawCounts c;
  for (const nlohmann::json& r : doc) {
    ++c.records;
    const std::array<int, 3> labels = {r["annotator1"].get<int>(), r["annotator2"].get<int>(),
                                       r["annotator3"].get<int>()};
    // Three voters: a majority is two equal labels.
    int majority = -1;
    if (labels[0] == labels[1] || labels[0] == labels[2])
      majority = labels[0];
    else if (labels[1] == labels[2])
      majority = labels[1];
    if (majority <= 0) ++c.ties;
    if (majority < 0) ++c.no_majority;
    if (labels[0] == labels[1] && labels[1] == labels[2]) ++c.unanimous;
    bool empty = false, not_text = false;
    for (const char* field : {"response1", "response2"}) {
      if (!r[field].is_string())
        not_text = true;
      else if (r[field].get<std::string>().empty())
        empty = true;
    }
    c.empty += empty;
    c.not_text += not_text;
  }
  return c;
}

TEST(PandalmRealData, ConvertsWithMajorityTiesAndReadsBack) {
  if (!fs::exists(TestSet())) {
    GTEST_SKIP() << "PandaLM's test set is not in " << TestSet().string()
                 << "; this test needs ../shared/data";
  }
  const RawCounts raw = CountRaw(nlohmann::json::parse(ReadFile(TestSet())));
  ASSERT_EQ(raw.records, 999);
  EXPECT_EQ(raw.ties, 105);    // the published file, counted independently (majority rule)
  EXPECT_EQ(raw.not_text, 6);  // responses stored as JSON true

  testing::ScratchDir dir("pandalm_realdata");
  ConvertOptions options;
  options.from = "pairwise-annotated";
  const ConvertReport r = ConvertPreferenceFile(TestSet(), dir / "pandalm.jsonl", options);
  EXPECT_EQ(r.read, 999);
  EXPECT_EQ(r.ties, raw.ties);
  EXPECT_EQ(r.multi_label, 999);
  EXPECT_EQ(r.unanimous, raw.unanimous);
  EXPECT_EQ(r.split, 999 - raw.unanimous);
  EXPECT_EQ(r.no_majority, raw.no_majority);
  EXPECT_EQ(r.skipped_empty, raw.empty);
  EXPECT_EQ(r.coerced, raw.not_text);
  EXPECT_EQ(r.written, 999 - r.skipped_empty - r.skipped_identical);

  const auto plain = models::MakeChatTemplate("plain");
  const auto records = ReadPreferenceRecords(dir / "pandalm.jsonl", *plain);
  ASSERT_EQ(static_cast<int64_t>(records.size()), r.written);
  int64_t ties = 0;
  for (const auto& rec : records) ties += rec.tie ? 1 : 0;
  EXPECT_EQ(ties, r.written_ties);
  EXPECT_LE(r.written_ties, raw.ties);
}

}  // namespace
}  // namespace rlab::data
