// The rlab binary as a user meets it: help with defaults, doctor, and one clear error line
// (and a non-zero exit) for each kind of bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "test_support.h"

namespace rlab {
namespace {

using testing::RunRlab;

void ExpectOneLineError(const testing::CommandResult& r, const std::string& fragment) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("rlab: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  const std::string line = testing::LastLine(r.err);
  EXPECT_EQ(line.rfind("rlab: error: ", 0), 0u) << r.err;
}

TEST(Cli, HelpAtEveryLevelShowsDefaults) {
  const auto top = RunRlab({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* sub : {"run", "doctor", "pipelines"}) {
    EXPECT_NE(top.out.find(sub), std::string::npos) << sub;
  }
  const auto run = RunRlab({"run", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("--threads"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("config key run.threads"), std::string::npos) << run.out;
  const auto keys = RunRlab({"pipelines", "bt-recovery"});
  EXPECT_EQ(keys.exit_code, 0);
  EXPECT_NE(keys.out.find("train.lr"), std::string::npos) << keys.out;
  EXPECT_NE(keys.out.find("0.01"), std::string::npos) << keys.out;
}

TEST(Cli, DoctorNamesOpenBlasAndMeasuresGemm) {
  const auto r = RunRlab({"doctor", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("libtorch         1."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OpenBLAS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GFLOP/s"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("WARNING"), std::string::npos) << r.out;
}

TEST(Cli, BadInputGivesOneClearErrorLine) {
  testing::ScratchDir dir("cli");
  testing::WriteText(dir / "bad.yaml", "pipeline: bt-recovery\ntrain: [1, 2\n");
  ExpectOneLineError(RunRlab({"run", (dir / "bad.yaml").string()}), "malformed YAML");
  testing::WriteText(dir / "key.yaml", "pipeline: bt-recovery\nrun:\n  sede: 3\n");
  ExpectOneLineError(RunRlab({"run", (dir / "key.yaml").string()}),
                     "key.yaml:3:3: unknown key 'run.sede'");
  testing::WriteText(dir / "ok.yaml", "pipeline: bt-recovery\n");
  ExpectOneLineError(RunRlab({"run", (dir / "ok.yaml").string(), "train.steps=ten"}),
                     "key 'train.steps': expected an integer, got 'ten'");
  ExpectOneLineError(RunRlab({"run", "--resume", dir.path().string()}), "is not a run directory");
  testing::WriteText(dir / "file", "x");
  ExpectOneLineError(RunRlab({"run", (dir / "ok.yaml").string(),
                              "run.out_dir=" + (dir / "file" / "runs").string()}),
                     "cannot create the runs directory");
  const auto missing = RunRlab({"run", (dir / "nope.yaml").string()});
  ExpectOneLineError(missing, "config file '" + (dir / "nope.yaml").string() + "' does not exist");
  EXPECT_EQ(missing.exit_code, 2);
}

// A command line that cannot be run as given: exit status 2 and one line on stderr, never
// CLI11's own text and exit codes (105, 106, 109).
TEST(Cli, UsageErrorsAreOneLineWithExitStatusTwo) {
  testing::ScratchDir dir("cli-usage");
  const auto usage = [](const testing::CommandResult& r, const std::string& fragment) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("rlab: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  };
  usage(RunRlab({"run", dir.path().string()}), "' is a directory; give a YAML file");
  usage(RunRlab({"run", "--resume", dir.path().string(), "train.lr=1"}),
        "takes no config file or overrides (got 'train.lr=1')");
  usage(RunRlab({"trian"}), "unknown command 'trian' (did you mean `rlab train-prm` or `rlab "
                            "train-rl` or `rlab train-rm`?)");
  usage(RunRlab({}), "no command given; `rlab --help` lists the commands");
}

// An allocation libtorch cannot make: one line with the size, no C++ backtrace and no
// libtorch source location, and no run directory left behind.
TEST(Cli, OutOfMemoryIsOneLineNamingTheSize) {
  testing::ScratchDir dir("cli-oom");
  const auto r = RunRlab({"run", std::string(RLAB_SOURCE_DIR) + "/examples/bt_recovery.yaml",
                          "run.out_dir=" + (dir / "runs").string(), "run.threads=1",
                          "data.dim=2000000000000"});
  ExpectOneLineError(r, "out of memory: a tensor of 14551.9 TiB (16000000000000000 bytes)");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("frame #"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("alloc_cpu"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir / "runs"));
}

TEST(Cli, OveroptRunsOnlyOveroptConfigsAndNamesBadDefences) {
  const std::string dpo = std::string(RLAB_SOURCE_DIR) + "/examples/dpo_synthetic.yaml";
  ExpectOneLineError(RunRlab({"overopt", dpo}), "pipeline is 'dpo'");
  const std::string lab = std::string(RLAB_SOURCE_DIR) + "/examples/overopt.yaml";
  ExpectOneLineError(RunRlab({"overopt", lab, "--defences", "single,ensemble"}),
                     "unknown defence 'ensemble'");
  ExpectOneLineError(RunRlab({"overopt"}), "needs a config");
}

}  // namespace
}  // namespace rlab
