// "Did you mean" on the command line: misspelt flags, subcommands at any depth and config keys
// given as overrides each get the nearest valid name in the one error line.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.h"

namespace rlab {
namespace {

using testing::RunRlab;

void ExpectUsageLine(const testing::CommandResult& r, int exit_code, const std::string& line) {
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_EQ(testing::LastLine(r.err).rfind(line, 0), 0u) << r.err;
}

TEST(SuggestCli, MisspeltFlagsCommandsAndKeysNameWhatWasMeant) {
  ExpectUsageLine(RunRlab({"train-rl", "--stpes", "5"}), 2,
                  "rlab: error: unknown flag '--stpes' (did you mean `--steps`?); see `rlab "
                  "control-rl --help`");
  ExpectUsageLine(RunRlab({"run", "--resme", "x"}), 2,
                  "rlab: error: unknown flag '--resme' (did you mean `--resume`?)");
  ExpectUsageLine(RunRlab({"data", "convrt"}), 2,
                  "rlab: error: unknown command 'convrt' (did you mean `rlab data convert`?)");
  ExpectUsageLine(
      RunRlab({"run", std::string(RLAB_SOURCE_DIR) + "/examples/bt_recovery.yaml", "run.dir=x"}), 1,
      "rlab: error: override 'run.dir=x': unknown key 'run.dir' (did you mean 'run.out_dir'?); "
      "valid keys: data.items");
}

}  // namespace
}  // namespace rlab
