#include "rlab/core/provenance.h"

#include <gtest/gtest.h>

#include "rlab/core/build_info.h"
#include "rlab/core/config.h"
#include "rlab/core/file_digest.h"
#include "test_support.h"

namespace rlab {
namespace {

using testing::ReadText;
using testing::ScratchDir;
using testing::WriteText;

struct DataConfig {
  std::string data = "task:arithmetic";
  int64_t steps = 10;
  template <class V>
  void Fields(V& v) {
    v("data", data, "the data");
    v("steps", steps, "steps");
  }
};

TEST(Provenance, ShellQuoteLeavesPlainWordsAndQuotesTheRest) {
  EXPECT_EQ(ShellQuote({"rlab", "run", "a.yaml", "train.lr=3e-3"}),
            "rlab run a.yaml train.lr=3e-3");
  EXPECT_EQ(ShellQuote({"rlab", "x y", "it's", ""}), "rlab 'x y' 'it'\\''s' ''");
}

TEST(Provenance, DataFilesAreTheSettingsThatNameRegularFiles) {
  ScratchDir dir("provenance-data");
  const std::string a = (dir / "a.jsonl").string();
  const std::string b = (dir / "b.jsonl").string();
  WriteText(dir / "a.jsonl", "abc");
  WriteText(dir / "b.jsonl", "");
  const nlohmann::json settings = {{"data.path", a},
                                   {"data.spec", "prompts:" + a},
                                   {"judge", "model(path=" + b + ",beta=1)"},
                                   {"model.dir", dir.path().string()},  // a directory: no
                                   {"missing", (dir / "nope.jsonl").string()},
                                   {"hidden", {"64", "64"}}};
  const nlohmann::ordered_json hashes = DataFileHashes(settings);
  EXPECT_EQ(hashes.size(), 2u) << hashes.dump();
  EXPECT_EQ(hashes.at(a), FileSha256(dir / "a.jsonl"));
  EXPECT_EQ(hashes.at(b), Sha256Hex(""));
}

TEST(Provenance, BlockRoundTripsAndTheConfigReaderSkipsIt) {
  ScratchDir dir("provenance-config");
  WriteText(dir / "d.jsonl", "{}\n");
  DataConfig config;
  config.data = (dir / "d.jsonl").string();
  config::FieldTable table = config::FieldTable::Of(config);
  const nlohmann::ordered_json provenance = StartProvenance({{"data", config.data}});
  EXPECT_EQ(provenance["rlab_version"], std::string(BuildVersion()));
  EXPECT_FALSE(provenance["git_commit"].get<std::string>().empty());
  EXPECT_EQ(provenance["data_files"].size(), 1u);
  const std::string yaml = ConfigWithProvenance(table.ToYaml(), provenance);
  EXPECT_EQ(ProvenanceInConfig(yaml), provenance);
  EXPECT_TRUE(ProvenanceInConfig(table.ToYaml()).is_null());
  // Reading the file back as a config sees only the settings.
  DataConfig read;
  read.data = "other";
  config::FieldTable read_table = config::FieldTable::Of(read);
  read_table.ApplyYamlText(yaml, "config.yaml");
  EXPECT_EQ(read.data, config.data);
  // Writing the block again replaces it rather than adding a second one.
  EXPECT_EQ(ConfigWithProvenance(yaml, provenance), yaml);
}

TEST(Provenance, ResumeAddsAnEntryAndKeepsTheStart) {
  ScratchDir dir("provenance-resume");
  nlohmann::ordered_json provenance = StartProvenance(nlohmann::json::object());
  provenance["command_line"] = "rlab run a.yaml";
  WriteText(dir / "config.yaml", ConfigWithProvenance("steps: 10\n", provenance));
  RecordResume(dir / "config.yaml");
  RecordResume(dir / "config.yaml");
  const nlohmann::ordered_json read = ReadProvenance(dir / "config.yaml");
  EXPECT_EQ(read["command_line"], "rlab run a.yaml");
  EXPECT_EQ(read["data_files"], nlohmann::ordered_json::object());
  ASSERT_EQ(read["resumed"].size(), 2u);
  EXPECT_TRUE(read["resumed"][0].contains("time"));
  EXPECT_TRUE(ReadText(dir / "config.yaml").starts_with("steps: 10\n# provenance:\n"));
  // A config without provenance (an older run) is left as it is.
  WriteText(dir / "old.yaml", "steps: 10\n");
  RecordResume(dir / "old.yaml");
  EXPECT_EQ(ReadText(dir / "old.yaml"), "steps: 10\n");
}

}  // namespace
}  // namespace rlab
