#include "rlab/core/checkpoint.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "file_size_limit.h"
#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "test_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

struct Trainee {
  torch::nn::Linear net{3, 2};
  torch::optim::Adam adam{net->parameters(), torch::optim::AdamOptions(0.1)};
  Rng rng{5};
  CheckpointState state;
  Trainee() {
    state.AddModule("net", net.ptr());
    state.AddOptimizer("adam", &adam);
    state.AddRng("rng", &rng);
  }
  void Train(int steps) {
    for (int i = 0; i < steps; ++i) {
      const torch::Tensor loss = net->forward(torch::randn({4, 3})).pow(2).mean();
      adam.zero_grad();
      loss.backward();
      adam.step();
      rng.Uniform();
    }
  }
};

TEST(Checkpoint, RestoredStateContinuesIdentically) {
  testing::ScratchDir dir("ckpt");
  torch::manual_seed(0);
  Trainee a;
  a.Train(3);
  CheckpointManager manager(dir.path(), 2);
  manager.Save(a.state, {{"step", 3}, {"note", "x"}});
  a.Train(4);

  torch::manual_seed(123);  // a different start: everything must come from the checkpoint
  Trainee b;
  const auto counters = manager.RestoreLatest(b.state);
  ASSERT_TRUE(counters.has_value());
  EXPECT_EQ((*counters)["step"], 3);
  EXPECT_EQ((*counters)["note"], "x");
  b.Train(4);
  EXPECT_TRUE(torch::equal(a.net->weight, b.net->weight));
  EXPECT_EQ(a.rng.NextU64(), b.rng.NextU64());
}

TEST(Checkpoint, KeepsTheNewestAndReportsLatestStep) {
  testing::ScratchDir dir("ckpt-keep");
  Trainee s;
  CheckpointManager manager(dir.path(), 2);
  EXPECT_FALSE(manager.LatestStep().has_value());
  EXPECT_FALSE(manager.RestoreLatest(s.state).has_value());
  for (int step : {10, 20, 30}) manager.Save(s.state, {{"step", step}});
  EXPECT_EQ(manager.LatestStep(), 30);
  EXPECT_FALSE(fs::exists(dir / "step-000000010.pt"));
  EXPECT_TRUE(fs::exists(dir / "step-000000020.pt"));
  EXPECT_TRUE(fs::exists(dir / "step-000000030.pt"));
}

TEST(Checkpoint, LatestJsonNamingAFileOutsideTheDirectoryIsRefused) {
  testing::ScratchDir dir("ckpt-escape");
  Trainee s;
  CheckpointManager manager(dir / "checkpoints", 2);
  fs::create_directories(dir / "checkpoints");
  manager.Save(s.state, {{"step", 10}});
  s.state.Save(dir / "elsewhere.pt", {{"step", 99}});  // a real checkpoint outside the directory
  const std::string latest = (dir / "checkpoints" / "latest.json").string();
  for (const std::string& file :
       {(dir / "elsewhere.pt").string(), std::string("../elsewhere.pt"), std::string(".."),
        std::string("sub/step-000000010.pt"), std::string("")}) {
    testing::WriteText(dir / "checkpoints" / "latest.json",
                       nlohmann::json{{"step", 10}, {"file", file}}.dump());
    const std::string e = testing::ErrorOf([&] { manager.RestoreLatest(s.state); });
    EXPECT_NE(e.find(latest + ": field 'file' is \"" + file + "\""), std::string::npos) << e;
  }
  testing::WriteText(dir / "checkpoints" / "latest.json", "{\"step\": 10, \"file\": 7}");
  EXPECT_NE(testing::ErrorOf([&] {
              manager.RestoreLatest(s.state);
            }).find(latest + ": field 'file' must be the name of a checkpoint file"),
            std::string::npos);
  testing::WriteText(dir / "checkpoints" / "latest.json",
                     "{\"step\": \"x\", \"file\": \"step-000000010.pt\"}");
  EXPECT_NE(testing::ErrorOf([&] { manager.LatestStep(); }).find(latest + ": field 'step'"),
            std::string::npos);
  // A number no double holds is named by its field, as in every JSON file rewardlab reads.
  testing::WriteText(dir / "checkpoints" / "latest.json",
                     "{\"step\": 1e400, \"file\": \"step-000000010.pt\"}");
  EXPECT_NE(testing::ErrorOf([&] { manager.LatestStep(); }).find(latest + ": field 'step'"),
            std::string::npos);
  testing::WriteText(dir / "checkpoints" / "latest.json",
                     "{\"step\": 10, \"file\": \"step-000000010.pt\"}");
  EXPECT_EQ(manager.RestoreLatest(s.state)->at("step"), 10);
}

TEST(Checkpoint, MismatchedOrCorruptCheckpointsAreClearErrors) {
  testing::ScratchDir dir("ckpt-bad");
  Trainee s;
  s.state.Save(dir / "a.pt", {{"step", 1}});
  torch::nn::Linear other(5, 5);
  CheckpointState wrong;
  wrong.AddModule("other", other.ptr());
  EXPECT_THROW(wrong.Load(dir / "a.pt"), Error);
  testing::WriteText(dir / "junk.pt", "not a checkpoint");
  EXPECT_THROW(s.state.Load(dir / "junk.pt"), Error);
}

TEST(Checkpoint, AFullDiskIsAnErrorNamingTheFileAndKeepsThePreviousCheckpoint) {
  testing::ScratchDir dir("ckpt-full");
  Trainee s;
  s.state.AddTensor("big", torch::zeros({64, 64}));  // 16 KB, past the limit below
  CheckpointManager manager(dir.path(), 2);
  manager.Save(s.state, {{"step", 1}});
  std::string e;
  {
    testing::FileSizeLimit full(4096);
    // libtorch's file writer threw from its destructor here, which ended the program.
    e = testing::ErrorOf([&] { manager.Save(s.state, {{"step", 2}}); });
  }
  EXPECT_NE(e.find("cannot write '" + (dir / "step-000000002.pt").string() + "'"),
            std::string::npos)
      << e;
  EXPECT_EQ(manager.LatestStep(), 1);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"latest.json", "step-000000001.pt"}));
  EXPECT_TRUE(manager.RestoreLatest(s.state).has_value());
}

}  // namespace
}  // namespace rlab
