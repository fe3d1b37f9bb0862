// Real data end to end: PandaLM's human-annotated test set (../shared/data/pandalm, 999 pairs,
// three annotators, ties) converts with the majority label, ties kept as ties, and runs through
// train-rm and eval-rm, which report accuracy, ties and per-subset accuracy over it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "rlab/core/io.h"
#include "rlab/text/preference_convert.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

namespace fs = std::filesystem;

TEST(PandaLmRewardModel, ConvertsTrainsAndEvaluates) {
  const fs::path raw =
      fs::path(RLAB_SOURCE_DIR) / ".." / "shared" / "data" / "pandalm" / "testset-v1.json";
  if (!fs::exists(raw)) {
    GTEST_SKIP() << "PandaLM is not in " << raw.string() << "; this test needs ../shared/data";
  }
  testing::ScratchDir dir("pandalm_rm");
  data::ConvertOptions options;
  options.from = "pairwise-annotated";
  const data::ConvertReport report =
      data::ConvertPreferenceFile(raw, dir / "pandalm.jsonl", options);
  EXPECT_EQ(report.read, 999);
  EXPECT_GT(report.written_ties, 0);

  RunRequest train;
  train.pipeline = "train-rm";
  train.threads = 1;
  train.overrides = {"run.out_dir=" + (dir / "runs").string(),
                     "data.train=" + (dir / "pandalm.jsonl").string(),
                     "data.eval_fraction=0.1",
                     "data.max_length=192",
                     "data.truncation=keep_end",
                     "optim.steps=60",
                     "optim.batch_size=4",
                     "eval_every=0",
                     "eval_batch_size=16"};
  const auto run = ExecuteRun(train);
  const auto s = nlohmann::json::parse(ReadFile(run / "summary.json"));
  EXPECT_EQ(s["train_records"].get<int64_t>() + s["eval_records"].get<int64_t>(), report.written);
  EXPECT_GT(s["train_truncated"].get<int64_t>(), 0);  // reported, not silent
  EXPECT_TRUE(s["accuracy"].is_number()) << s.dump();

  RunRequest eval;
  eval.pipeline = "eval-rm";
  eval.threads = 1;
  eval.overrides = {"run.out_dir=" + (dir / "runs").string(),
                    "model=" + (run / "reward_model").string(),
                    "data=" + (dir / "pandalm.jsonl").string(),
                    "max_length=192",
                    "truncation=keep_end",
                    "batch_size=16"};
  const auto judged = nlohmann::json::parse(ReadFile(ExecuteRun(eval) / "summary.json"));
  EXPECT_EQ(judged["records"].get<int64_t>(), report.written);
  EXPECT_EQ(judged["ties"].get<int64_t>(), report.written_ties);
  // Chance is 0.5 on the 842 decided pairs (ties are not counted). Measured 2026-12-07: 0.574
  // after 60 steps (the run trains on 90% of these pairs), 0.476 after 8 steps; preferring the
  // longer response would give 0.65. 0.54 is about 2.3 standard errors above chance.
  const double accuracy = judged["accuracy"].get<double>();
  EXPECT_GE(accuracy, 0.54) << judged.dump();
  EXPECT_LE(accuracy, 1.0);
  EXPECT_GT(judged["subsets"].size(), 1u) << "PandaLM's motivation_app becomes the subset";
}

}  // namespace
}  // namespace rlab::pipeline
