// The resume protocol's metrics log: a resumed run keeps exactly the lines logged before the
// checkpoint it resumes from, so that the lines it logs again appear once.
#include "rlab/pipeline/run/run_context.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

using testing::ReadText;

// The smallest state a run can checkpoint.
struct TinyState {
  torch::nn::Linear net{2, 1};
  CheckpointState state;
  TinyState() {
    state.AddModule("net", net.ptr());
    state.IncludeTorchRng(false);
  }
};

TEST(RunContextMetrics, AResumeAfterTheFinalCheckpointLogsTheFinalLineOnce) {
  testing::ScratchDir scratch("run-context-final");
  const RunDir dir = RunDir::Create(scratch.path(), "r");
  TinyState s;
  {
    RunContext ctx(dir, RunOptions{}, /*resuming=*/false);
    ctx.metrics().Log(1, {{"loss", 0.5}});
    ctx.metrics().Log(2, {{"loss", 0.25}});
    ctx.Checkpoint(s.state, {{"step", 2}});
    ctx.metrics().Log(2, {{"final_accuracy", 0.75}});  // then the run is killed
  }
  {
    RunContext ctx(dir, RunOptions{}, /*resuming=*/true);
    ASSERT_TRUE(ctx.Restore(s.state).has_value());
    ctx.metrics().Log(2, {{"final_accuracy", 0.75}});  // the resumed run evaluates again
  }
  EXPECT_EQ(ReadText(dir.metrics_path()), "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"loss\":0.25}\n"
                                          "{\"step\":2,\"final_accuracy\":0.75}\n");
}

TEST(RunContextMetrics, AResumeBeforeTheFirstCheckpointStartsAnEmptyLog) {
  testing::ScratchDir scratch("run-context-first");
  const RunDir dir = RunDir::Create(scratch.path(), "r");
  TinyState s;
  {
    RunContext ctx(dir, RunOptions{}, false);
    ctx.metrics().Log(0, {{"accuracy", 0.5}});  // killed before any checkpoint
  }
  RunContext ctx(dir, RunOptions{}, true);
  EXPECT_FALSE(ctx.Restore(s.state).has_value());
  ctx.metrics().Log(0, {{"accuracy", 0.5}});
  EXPECT_EQ(ReadText(dir.metrics_path()), "{\"step\":0,\"accuracy\":0.5}\n");
}

TEST(RunContextMetrics, ACheckpointWithoutTheLogLengthKeepsTheLinesUpToItsStep) {
  testing::ScratchDir scratch("run-context-old");
  const RunDir dir = RunDir::Create(scratch.path(), "r");
  TinyState s;
  {
    RunContext ctx(dir, RunOptions{}, false);
    for (int step = 1; step <= 3; ++step) ctx.metrics().Log(step, {{"loss", 1.0 / step}});
  }
  // Written the way checkpoints were before they kept the log's length.
  CheckpointManager(dir.checkpoints_dir()).Save(s.state, {{"step", 2}});
  RunContext ctx(dir, RunOptions{}, true);
  ASSERT_TRUE(ctx.Restore(s.state).has_value());
  EXPECT_EQ(ReadText(dir.metrics_path()), "{\"step\":1,\"loss\":1.0}\n{\"step\":2,\"loss\":0.5}\n");
}

TEST(RunContextMetrics, ALogShorterThanAtTheCheckpointIsAnError) {
  testing::ScratchDir scratch("run-context-short");
  const RunDir dir = RunDir::Create(scratch.path(), "r");
  TinyState s;
  {
    RunContext ctx(dir, RunOptions{}, false);
    ctx.metrics().Log(1, {{"loss", 0.5}});
    ctx.Checkpoint(s.state, {{"step", 1}});
  }
  testing::WriteText(dir.metrics_path(), "");
  RunContext ctx(dir, RunOptions{}, true);
  const std::string e = testing::ErrorOf([&] { ctx.Restore(s.state); });
  EXPECT_NE(e.find("metrics.jsonl has 0 bytes, fewer than the 22 it had at the last checkpoint"),
            std::string::npos)
      << e;
}

}  // namespace
}  // namespace rlab::pipeline
