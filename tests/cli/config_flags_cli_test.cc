// Flags generated from the config tables: the help shows each key's live default (taken from
// the pipeline's config, never written in the CLI), a flag that is given reaches the config's
// Validate() unchanged, and the renamed subcommands keep their old names as aliases.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "test_support.h"

namespace rlab {
namespace {

using testing::RunRlab;

// The default column of `key` in `rlab pipelines NAME` (path, type, default, meaning).
std::string PipelineDefault(const std::string& pipeline, const std::string& key) {
  const auto r = RunRlab({"pipelines", pipeline});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string path, type, value;
    if (words >> path >> type >> value && path == key) return value;
  }
  ADD_FAILURE() << "no key " << key << " in:\n" << r.out;
  return "";
}

// One "rlab: error:" line naming `fragment`, without a source location of rewardlab's code,
// and the exit status: 1 when the config rejects a value, 2 when the command line's own check
// does (a plain flag's range).
void ExpectErrorNaming(const testing::CommandResult& r, const std::string& fragment,
                       int exit_code = 1) {
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_EQ(testing::LastLine(r.err).rfind("rlab: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(".cc:"), std::string::npos) << r.err;
}

TEST(ConfigFlagsCli, HelpShowsTheConfigsLiveDefaults) {
  const auto dpo = RunRlab({"dpo", "--help"});
  ASSERT_EQ(dpo.exit_code, 0) << dpo.err;
  const std::string beta = PipelineDefault("dpo", "beta");
  EXPECT_NE(dpo.out.find("--beta FLOAT=" + beta), std::string::npos) << dpo.out;
  EXPECT_NE(dpo.out.find("config key optim.steps"), std::string::npos) << dpo.out;
  const std::string steps = PipelineDefault("train-rl", "steps");
  const auto control = RunRlab({"control-rl", "--help"});
  ASSERT_EQ(control.exit_code, 0) << control.err;
  EXPECT_NE(control.out.find("--steps INT=" + steps), std::string::npos) << control.out;
}

TEST(ConfigFlagsCli, NoDefaultIsWrittenIntoAHelpString) {
  const std::filesystem::path cli = std::filesystem::path(RLAB_SOURCE_DIR) / "src/rlab/cli";
  for (const auto& entry : std::filesystem::directory_iterator(cli)) {
    const std::string text = testing::ReadText(entry.path());
    for (const char* written : {"(default ", "(default:"}) {  // as in "(default 0.1)"
      EXPECT_EQ(text.find(written), std::string::npos)
          << entry.path() << ": let the table or CLI11 show the default";
    }
  }
}

TEST(ConfigFlagsCli, GivenFlagsReachTheConfigsChecks) {
  ExpectErrorNaming(RunRlab({"dpo", "--steps", "-5"}), "optim.steps");
  ExpectErrorNaming(RunRlab({"train-rm", "--seed", "-9"}), "run.seed");
  ExpectErrorNaming(RunRlab({"sft", "--threads", "-2"}), "threads must be >= 0");
  ExpectErrorNaming(RunRlab({"generate", "--model", "tiny", "--prompt", "a", "--seed", "-1"}),
                    "--seed", 2);
  ExpectErrorNaming(
      RunRlab({"generate", "--model", "tiny", "--prompt", "a", "--temperature", "-1"}),
      "--temperature: must be a number >= 0, got -1 (see `rlab generate --help`)", 2);
}

TEST(ConfigFlagsCli, OldSubcommandNamesStillWork) {
  const auto top = RunRlab({"--help"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  EXPECT_NE(top.out.find("lm-rl"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("control-rl"), std::string::npos) << top.out;
  const auto rl = RunRlab({"rl", "--help"});
  ASSERT_EQ(rl.exit_code, 0) << rl.err;
  EXPECT_NE(rl.out.find("--group-size"), std::string::npos) << rl.out;
  ExpectErrorNaming(RunRlab({"rl", "--steps", "-1"}), "optim.steps");
  const auto train_rl = RunRlab({"train-rl", "--help"});
  ASSERT_EQ(train_rl.exit_code, 0) << train_rl.err;
  EXPECT_NE(train_rl.out.find("config key env"), std::string::npos) << train_rl.out;
}

}  // namespace
}  // namespace rlab
