// The sft pipeline end to end on small settings: it trains, writes a model directory that
// loads back with its tokenizer, resumes, and rejects bad data with file, line and field.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"
#include "pipeline/run_files.h"

namespace rlab::pipeline {
namespace {

using testing::ScratchDir;

using testing::RunSummary;

class SftPipeline : public ::testing::Test {
 protected:
  ScratchDir dir_{"sft_pipeline"};
  RunRequest Request(std::vector<std::string> extra) {
    RunRequest r;
    r.pipeline = "sft";
    r.threads = 1;
    r.overrides = {"run.out_dir=" + (dir_ / "runs").string(), "run.log_every=5",
                   "optim.batch_size=8", "eval_every=0"};
    r.overrides.insert(r.overrides.end(), extra.begin(), extra.end());
    return r;
  }
};

TEST_F(SftPipeline, TrainsOnAFileAndWritesALoadableModel) {
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    lines += nlohmann::json{{"prompt", "say " + std::to_string(i % 4) + ":"},
                            {"completion", std::string(3, static_cast<char>('a' + i % 4))}}
                 .dump() +
             "\n";
  }
  testing::WriteText(dir_ / "train.jsonl", lines);
  const auto run =
      ExecuteRun(Request({"data.train=" + (dir_ / "train.jsonl").string(), "optim.steps=60",
                          "optim.learning_rate=3e-3", "data.eval_fraction=0.1"}));
  const nlohmann::json s = RunSummary(run);
  // Four prompts, each with one fixed three-letter answer: the loss on completion tokens
  // falls far below that of a uniform guess over 259 tokens (ln 259 = 5.56).
  EXPECT_LT(s["train_loss"].get<double>(), 1.0) << s.dump();
  EXPECT_LT(s["eval_loss"].get<double>(), 1.5) << s.dump();
  EXPECT_EQ(s["examples"].get<int64_t>(), 36);
  models::LanguageModel lm = models::OpenLanguageModel((run / "model").string(), 1);
  ASSERT_NE(lm.tokenizer, nullptr);
  // The saved model answers a training prompt with its completion.
  const auto prompt = lm.tokenizer->EncodeWithBos("say 2:");
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = lm.model(torch::tensor(prompt).unsqueeze(0))[0][-1];
  EXPECT_EQ(logits.argmax().item<int64_t>(), 'c');
}

TEST_F(SftPipeline, AHugeBatchSizeTrainsOnBatchesOfTheWholeTrainingSet) {
  std::string lines;
  for (int i = 0; i < 20; ++i) {
    lines +=
        nlohmann::json{{"prompt", "say " + std::to_string(i) + ":"}, {"completion", "ok"}}.dump() +
        "\n";
  }
  testing::WriteText(dir_ / "small.jsonl", lines);
  // A batch of 1e8 examples once asked for gigabytes; it is now the 20 examples there are.
  const auto run =
      ExecuteRun(Request({"data.train=" + (dir_ / "small.jsonl").string(), "optim.steps=2",
                          "optim.batch_size=100000000", "data.eval_fraction=0"}));
  EXPECT_EQ(RunSummary(run)["steps"].get<int64_t>(), 2);
  EXPECT_TRUE(
      testing::Contains(testing::ReadText(run / "log.txt"), "optim.batch_size is 100000000, but"));
}

TEST_F(SftPipeline, ResumedRunEndsWhereAnUninterruptedOneDoes) {
  const auto full =
      ExecuteRun(Request({"data.train=task:arithmetic(digits=1)", "data.task_train_examples=200",
                          "data.eval_examples=20", "optim.steps=20", "run.checkpoint_every=10"}));
  // A copy of the run as if it had been killed right after its step-10 checkpoint.
  const auto cut = dir_ / "cut";
  std::filesystem::copy(full, cut, std::filesystem::copy_options::recursive);
  std::filesystem::remove(cut / "summary.json");
  std::filesystem::remove(cut / "checkpoints" / "step-000000020.pt");
  testing::WriteText(cut / "checkpoints" / "latest.json",
                     R"({"step": 10, "file": "step-000000010.pt"})");
  RunRequest resume;
  resume.resume_dir = cut.string();
  resume.threads = 1;
  ExecuteRun(resume);
  EXPECT_EQ(RunSummary(cut)["train_loss"].get<double>(),
            RunSummary(full)["train_loss"].get<double>());
  EXPECT_EQ(RunSummary(cut)["exact_match"].get<double>(),
            RunSummary(full)["exact_match"].get<double>());
  EXPECT_EQ(RunSummary(cut)["eval_loss"].get<double>(),
            RunSummary(full)["eval_loss"].get<double>());
}

TEST_F(SftPipeline, BadDataNamesFileLineAndField) {
  testing::WriteText(dir_ / "bad.jsonl",
                     "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"text\": 1}\n");
  try {
    ExecuteRun(Request({"data.train=" + (dir_ / "bad.jsonl").string()}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.jsonl:2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"prompt\" and \"completion\""), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace rlab::pipeline
