// The rlab binary as a user meets it: help with defaults, doctor, and one clear error line
// (and a non-zero exit) for each kind of bad input.
#include <gtest/gtest.h>

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
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("nope.yaml"), std::string::npos) << missing.err;
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
