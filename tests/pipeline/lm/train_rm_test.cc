// The train-rm and eval-rm pipelines end to end on small settings: a trained reward model is
// written and eval-rm reproduces its held-out figures; ensembles keep their members and WARM
// writes one averaged model; a resumed run ends where an uninterrupted one does; data that
// cannot train (no ratings for a rating objective, every record too long) is refused clearly.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "rlab/reward/model/text_reward_model.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

using testing::ScratchDir;
namespace fs = std::filesystem;

using testing::RunSummary;

class TrainRmPipeline : public ::testing::Test {
 protected:
  ScratchDir dir_{"train_rm_pipeline"};
  RunRequest Request(const std::string& pipeline, std::vector<std::string> extra) {
    RunRequest r;
    r.pipeline = pipeline;
    r.threads = 1;
    r.overrides = {"run.out_dir=" + (dir_ / "runs").string(), "run.log_every=5"};
    if (pipeline == "train-rm") {
      for (const char* o :
           {"optim.batch_size=8", "optim.steps=20", "eval_every=0", "data.train=task:keywords",
            "data.task_train_pairs=80", "data.task_eval_pairs=40", "optim.learning_rate=3e-3"}) {
        r.overrides.push_back(o);
      }
    }
    r.overrides.insert(r.overrides.end(), extra.begin(), extra.end());
    return r;
  }
};

TEST_F(TrainRmPipeline, WritesARewardModelThatEvalRmJudgesTheSameWay) {
  const auto run = ExecuteRun(Request("train-rm", {}));
  const nlohmann::json s = RunSummary(run);
  for (const char* key :
       {"accuracy", "ece", "train_loss", "margin", "eval_records", "train_tokens_per_second"}) {
    EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
  }
  EXPECT_EQ(s["eval_records"].get<int64_t>(), 40);
  const auto model = run / "reward_model";
  reward::TextRewardModel rm = reward::LoadTextRewardModel(model);
  EXPECT_EQ(rm.size(), 1);
  // eval-rm draws the same held-out task pairs (same seed and count): same figures.
  const auto eval = ExecuteRun(
      Request("eval-rm", {"model=" + model.string(), "data=task:keywords", "task_pairs=40"}));
  const nlohmann::json e = RunSummary(eval);
  EXPECT_DOUBLE_EQ(e["accuracy"].get<double>(), s["accuracy"].get<double>());
  EXPECT_DOUBLE_EQ(e["ece"].get<double>(), s["ece"].get<double>());
  // The model directory records what it was trained on, so eval-rm checks for overlap.
  const nlohmann::json trained_on = ReadJsonFile(model / "training_data.json");
  EXPECT_EQ(trained_on["task"], "task:keywords");
  EXPECT_FALSE(trained_on["pair_fingerprints"].empty());
  EXPECT_TRUE(e["overlap_pairs"].is_number()) << e.dump();
}

TEST_F(TrainRmPipeline, EnsembleKeepsMembersAndWarmAveragesThem) {
  const auto ensemble = ExecuteRun(Request("train-rm", {"ensemble.members=2", "optim.steps=6"}));
  EXPECT_TRUE(fs::exists(ensemble / "reward_model" / "ensemble.json"));
  EXPECT_EQ(RunSummary(ensemble)["member_accuracy"].size(), 2u);
  reward::TextRewardModel members = reward::LoadTextRewardModel(ensemble / "reward_model");
  EXPECT_EQ(members.size(), 2);
  // Members start from their own seeds: different heads.
  EXPECT_FALSE(
      torch::equal(members.members()[0]->score->weight, members.members()[1]->score->weight));

  const auto warm = ExecuteRun(
      Request("train-rm", {"ensemble.members=2", "ensemble.mode=warm", "optim.steps=6"}));
  EXPECT_FALSE(fs::exists(warm / "reward_model" / "ensemble.json"));
  EXPECT_TRUE(fs::exists(warm / "warm_members" / "member_1" / "model.safetensors"));
  auto a = reward::LoadTextRewardModel(warm / "warm_members" / "member_0");
  auto b = reward::LoadTextRewardModel(warm / "warm_members" / "member_1");
  auto avg = reward::LoadTextRewardModel(warm / "reward_model");
  EXPECT_EQ(avg.size(), 1);
  const torch::Tensor expected =
      (a.members()[0]->score->weight + b.members()[0]->score->weight) / 2;
  EXPECT_TRUE(torch::allclose(avg.members()[0]->score->weight, expected));
}

TEST_F(TrainRmPipeline, ResumedEnsembleEndsWhereAnUninterruptedOneDoes) {
  const auto full = ExecuteRun(
      Request("train-rm", {"ensemble.members=2", "optim.steps=10", "run.checkpoint_every=5"}));
  // Cut inside the second member (global step 15 of 20), its reward_model/ still unfinished.
  const auto cut = dir_ / "cut";
  testing::RollBackCopy(full, cut, 15, 20);
  fs::remove_all(cut / "reward_model" / "member_1");
  fs::remove(cut / "reward_model" / "ensemble.json");
  testing::ResumeRun(cut);
  EXPECT_EQ(RunSummary(cut)["train_loss"].get<double>(),
            RunSummary(full)["train_loss"].get<double>());
  EXPECT_EQ(RunSummary(cut)["accuracy"].get<double>(), RunSummary(full)["accuracy"].get<double>());
  EXPECT_EQ(RunSummary(cut)["member_accuracy"], RunSummary(full)["member_accuracy"]);
}

TEST_F(TrainRmPipeline, SumPoolingIsSavedKeptWhenContinuedAndAMismatchIsRefused) {
  const auto run = ExecuteRun(Request("train-rm", {"score_pooling=sum", "optim.steps=4"}));
  const fs::path model = run / "reward_model";
  EXPECT_EQ(nlohmann::json::parse(ReadFile(model / "config.json"))["rlab_score_pooling"], "sum");
  // Continuing from that reward model keeps its pooling without being told.
  const auto more = ExecuteRun(Request("train-rm", {"model=" + model.string(), "optim.steps=2"}));
  EXPECT_EQ(
      nlohmann::json::parse(ReadFile(more / "reward_model" / "config.json"))["rlab_score_pooling"],
      "sum");
  const std::string msg = testing::ErrorOf([&] {
    ExecuteRun(Request("train-rm", {"model=" + model.string(), "score_pooling=last"}));
  });
  EXPECT_NE(msg.find("score_pooling=sum; the config asks for last"), std::string::npos) << msg;
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request("train-rm", {"score_pooling=mean"}));
            }).find("score pooling must be last or sum, got 'mean'"),
            std::string::npos);
}

TEST_F(TrainRmPipeline, EmbeddingInitStdRedrawsAPresetsEmbeddingsOnly) {
  const auto embedding_std = [](const fs::path& run) {
    auto rm = reward::LoadTextRewardModel(run / "reward_model");
    return rm.members()[0]->backbone->embed->weight.std().item<double>();
  };
  // One step at a small rate moves no weight by more than about the rate.
  const std::vector<std::string> one_step = {"optim.steps=1", "optim.learning_rate=1e-4"};
  const auto plain = ExecuteRun(Request("train-rm", one_step));
  EXPECT_NEAR(embedding_std(plain), 0.02, 0.002);
  auto redrawn_overrides = one_step;
  redrawn_overrides.push_back("embedding_init_std=1");
  const auto redrawn = ExecuteRun(Request("train-rm", redrawn_overrides));
  EXPECT_NEAR(embedding_std(redrawn), 1.0, 0.05);
  // A trained model keeps its embeddings: asking to re-draw them is refused.
  const std::string msg = testing::ErrorOf([&] {
    ExecuteRun(Request("train-rm",
                       {"model=" + (plain / "reward_model").string(), "embedding_init_std=1"}));
  });
  EXPECT_NE(msg.find("is a trained reward model"), std::string::npos) << msg;
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request("train-rm", {"embedding_init_std=-1"}));
            }).find("embedding_init_std must be >= 0"),
            std::string::npos);
}

TEST_F(TrainRmPipeline, RatingObjectivesNeedRatings) {
  testing::WriteText(dir_ / "pairs.jsonl",
                     "{\"prompt\": \"a\", \"chosen\": \"good\", \"rejected\": \"bad\"}\n");
  const std::string msg = testing::ErrorOf([&] {
    ExecuteRun(Request("train-rm",
                       {"data.train=" + (dir_ / "pairs.jsonl").string(), "objective=quantile"}));
  });
  EXPECT_NE(msg.find("score_chosen"), std::string::npos) << msg;
}

TEST_F(TrainRmPipeline, DuplicatesAndContradictionsAreCounted) {
  std::string lines;
  for (int i = 0; i < 6; ++i) {
    lines +=
        nlohmann::json{{"prompt", "q" + std::to_string(i)}, {"chosen", "yes"}, {"rejected", "no"}}
            .dump() +
        "\n";
  }
  lines += nlohmann::json{{"prompt", "q0"}, {"chosen", "yes"}, {"rejected", "no"}}.dump() + "\n";
  lines += nlohmann::json{{"prompt", "q1"}, {"chosen", "no"}, {"rejected", "yes"}}.dump() + "\n";
  testing::WriteText(dir_ / "dups.jsonl", lines);
  const auto run = ExecuteRun(Request("train-rm", {"data.train=" + (dir_ / "dups.jsonl").string(),
                                                   "data.eval_fraction=0", "optim.steps=1"}));
  EXPECT_EQ(RunSummary(run)["train_duplicates"].get<int64_t>(), 1);
  EXPECT_EQ(RunSummary(run)["train_contradictions"].get<int64_t>(), 1);
}

TEST_F(TrainRmPipeline, TooLongRecordsAreReportedNotSilentlyCut) {
  std::string lines;
  for (int i = 0; i < 10; ++i) {
    lines +=
        nlohmann::json{{"prompt", std::string(50 + i, 'p')}, {"chosen", "yes"}, {"rejected", "no"}}
            .dump() +
        "\n";
  }
  testing::WriteText(dir_ / "long.jsonl", lines);
  const std::string file = "data.train=" + (dir_ / "long.jsonl").string();
  const std::string msg = testing::ErrorOf([&] {
    ExecuteRun(Request("train-rm", {file, "data.max_length=20"}));
  });
  EXPECT_NE(msg.find("longer than max_length 20"), std::string::npos) << msg;
  const auto run =
      ExecuteRun(Request("train-rm", {file, "data.max_length=20", "data.truncation=keep_end",
                                      "optim.steps=2", "data.eval_fraction=0.2"}));
  EXPECT_EQ(RunSummary(run)["train_truncated"].get<int64_t>(), 8);
  EXPECT_EQ(RunSummary(run)["eval_truncated"].get<int64_t>(), 2);
}

}  // namespace
}  // namespace rlab::pipeline
