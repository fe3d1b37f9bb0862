// eval-rm cannot mislead: records longer than max_length are counted under a stated rule (or
// refused, naming the first), a file where most records are long shows "N of M evaluated" and
// never a bare accuracy on a sliver of the data, every judged record has a predictions line,
// records the model was trained on are counted, and `rlab score` writes each row back with its
// score. All on a tiny random reward model with the byte tokenizer (about a second in all).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "rlab/core/io.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/pipeline/lm/score_completions.h"
#include "rlab/pipeline/lm/training_data_fingerprints.h"
#include "rlab/pipeline/run/runner.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "models/transformer/tiny_configs.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

namespace fs = std::filesystem;
using testing::RunSummary;

models::SequenceRewardModel RandomByteRewardModel(uint64_t seed) {
  models::TransformerConfig c = models::testing::TinyLlama();
  c.vocab_size = models::ByteTokenizer().vocab_size();
  torch::manual_seed(seed);
  models::SequenceRewardModel m(c, 1);
  m->eval();
  return m;
}

std::string PreferenceLine(const std::string& prompt, const std::string& chosen,
                           const std::string& rejected) {
  return nlohmann::json{{"prompt", prompt}, {"chosen", chosen}, {"rejected", rejected}}.dump() +
         "\n";
}

class EvalRmHonesty : public ::testing::Test {
 protected:
  testing::ScratchDir dir_{"eval_rm_honesty"};
  models::ByteTokenizer bytes_;

  fs::path SaveModel(const std::string& name, uint64_t seed = 1) {
    const fs::path model = dir_ / name;
    reward::SaveRewardModelDir(RandomByteRewardModel(seed), "bradley_terry", &bytes_, {}, model);
    return model;
  }
  // `total` pairs, the first `long_records` with prompts far beyond 32 tokens.
  fs::path WritePairs(const std::string& name, int total, int long_records) {
    std::string lines;
    for (int i = 0; i < total; ++i) {
      const std::string prompt =
          i < long_records ? std::string(60 + i, 'q') : "q" + std::to_string(i);
      lines += PreferenceLine(prompt, "yes", "no");
    }
    testing::WriteText(dir_ / name, lines);
    return dir_ / name;
  }
  fs::path EvalRm(const fs::path& model, const fs::path& data, std::vector<std::string> extra) {
    RunRequest r;
    r.pipeline = "eval-rm";
    r.threads = 1;
    r.overrides = {"run.out_dir=" + (dir_ / "runs").string(), "model=" + model.string(),
                   "data=" + data.string(), "max_length=32"};
    r.overrides.insert(r.overrides.end(), extra.begin(), extra.end());
    return ExecuteRun(r);
  }
};

std::vector<nlohmann::json> JsonlObjects(const fs::path& file) {
  std::vector<nlohmann::json> lines;
  ForEachJsonl(file, [&](const nlohmann::json& j) { lines.push_back(j); });
  return lines;
}

TEST_F(EvalRmHonesty, TruncationRuleCountsEachRecordAndErrorNamesTheFirstTooLong) {
  const auto records = data::ReadPreferenceRecords(WritePairs("five.jsonl", 5, 2),
                                                   *models::MakeChatTemplate("plain"));
  nlohmann::json report;
  RewardModelTokenization details;
  auto kept = TokenizeForRewardModel(records, bytes_, 32, "keep_end", "eval", report, &details);
  ASSERT_EQ(kept.size(), 5u);
  ASSERT_EQ(details.origins.size(), 5u);
  EXPECT_TRUE(details.origins[0].truncated && details.origins[1].truncated);
  EXPECT_FALSE(details.origins[2].truncated);
  EXPECT_EQ(report["eval_truncated"], 2);
  EXPECT_EQ(report["eval_truncation"], "keep_end");
  auto dropped = TokenizeForRewardModel(records, bytes_, 32, "drop", "eval", report, &details);
  ASSERT_EQ(dropped.size(), 3u);
  EXPECT_EQ(details.origins[0].record, 2);
  EXPECT_EQ(report["eval_dropped"], 2);
  EXPECT_NE(DescribeLongRecords(details.stats, 5, 32, "drop").find("2 of 5 records"),
            std::string::npos);
  const std::string refused = testing::ErrorOf(
      [&] { TokenizeForRewardModel(records, bytes_, 32, "error", "eval", report); });
  EXPECT_NE(refused.find("five.jsonl:1: record 1 is "), std::string::npos) << refused;
  EXPECT_NE(refused.find("tokens long, longer than max_length 32"), std::string::npos) << refused;
  const std::string unknown = testing::ErrorOf([&] { CheckRewardModelTruncation("cut"); });
  EXPECT_NE(unknown.find("valid: drop, keep_end, error"), std::string::npos) << unknown;
}

TEST_F(EvalRmHonesty, MostlyLongRecordsShowNOfMNeverASilentAccuracy) {
  const fs::path model = SaveModel("rm");
  const fs::path data = WritePairs("mt_bench_like.jsonl", 50, 48);
  ::testing::internal::CaptureStdout();
  const fs::path dropped = EvalRm(model, data, {"truncation=drop"});
  const std::string table = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(table.find("evaluated                  2 of 50 records: truncation=drop: 48 of 50"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("on 2 of 50 records only"), std::string::npos) << table;
  nlohmann::json s = RunSummary(dropped);
  EXPECT_EQ(s["records"], 50);
  EXPECT_EQ(s["evaluated"], 2);
  EXPECT_EQ(s["eval_dropped"], 48);
  EXPECT_NE(s["not_evaluated_reason"].get<std::string>().find("48 of 50"), std::string::npos);
  EXPECT_TRUE(s["overlap_prompts"].is_null());  // the model records no training data
  const auto predictions = JsonlObjects(dropped / "predictions.jsonl");
  ASSERT_EQ(predictions.size(), 2u);
  EXPECT_EQ(predictions[0]["index"], 48);
  EXPECT_EQ(predictions[0]["where"], data.string() + ":49");

  const fs::path cut = EvalRm(model, data, {});  // the default judges every record
  s = RunSummary(cut);
  EXPECT_EQ(s["eval_truncation"], "keep_end");
  EXPECT_EQ(s["evaluated"], 50);
  EXPECT_EQ(s["eval_truncated"], 48);
  EXPECT_FALSE(s.contains("not_evaluated_reason"));
  const double accuracy = s["accuracy"].get<double>();
  EXPECT_LE(s["accuracy_ci95"][0].get<double>(), accuracy);
  EXPECT_GE(s["accuracy_ci95"][1].get<double>(), accuracy);
  int64_t binned = 0;
  for (const auto& b : s["reliability"]) binned += b["count"].get<int64_t>();
  EXPECT_EQ(binned, s["comparisons"].get<int64_t>());
  const auto lines = JsonlObjects(cut / "predictions.jsonl");
  ASSERT_EQ(lines.size(), 50u);
  int64_t right = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["index"], static_cast<int64_t>(i));
    EXPECT_EQ(lines[i]["truncated"], i < 48);
    EXPECT_NEAR(lines[i]["margin"].get<double>(),
                lines[i]["chosen_score"].get<double>() - lines[i]["rejected_score"].get<double>(),
                1e-9);
    right += lines[i]["correct"].get<bool>();
  }
  EXPECT_NEAR(accuracy, right / 50.0, 1e-12);

  const std::string refused = testing::ErrorOf([&] { EvalRm(model, data, {"truncation=error"}); });
  EXPECT_NE(refused.find(data.string() + ":1: record 1 is"), std::string::npos) << refused;
}

TEST_F(EvalRmHonesty, OverlapWithTrainingDataIsCountedAndTheSameFileCalledOut) {
  const fs::path train = WritePairs("train.jsonl", 6, 0);
  const auto& chat = *models::MakeChatTemplate("plain");
  const auto train_records = data::ReadPreferenceRecords(train, chat);
  const fs::path model = SaveModel("trained_rm");
  WriteTrainingData(model, DescribeTrainingData(train.string(), train_records));
  const nlohmann::json written = ReadJsonFile(model / kTrainingDataFile);
  EXPECT_EQ(written["data_files"][train.string()].get<std::string>().size(), 64u);
  EXPECT_EQ(written["prompt_fingerprints"].size(), 6u);

  const TrainingOverlap same = FindTrainingOverlap(model, train.string(), train_records);
  EXPECT_TRUE(same.checked && same.same_file);
  EXPECT_EQ(same.pairs, 6);
  EXPECT_NE(same.Warning(6).find("TRAINING FILE"), std::string::npos);

  // q1 again with other responses, Q2 in other case and spacing with the same ones, one new.
  testing::WriteText(dir_ / "eval.jsonl", PreferenceLine("q1", "maybe", "no") +
                                              PreferenceLine("  Q2 ", "YES", "no") +
                                              PreferenceLine("fresh", "yes", "no"));
  const auto eval_records = data::ReadPreferenceRecords(dir_ / "eval.jsonl", chat);
  const TrainingOverlap some =
      FindTrainingOverlap(model, (dir_ / "eval.jsonl").string(), eval_records);
  EXPECT_FALSE(some.same_file);
  EXPECT_EQ(some.prompts, 2);
  EXPECT_EQ(some.pairs, 1);
  EXPECT_NE(some.Warning(3).find("2 of 3 evaluation records"), std::string::npos);
  // A task's test pairs share its prompts by design: counted, warned about only as pairs.
  WriteTrainingData(model, DescribeTrainingData("task:keywords", train_records));
  const TrainingOverlap task = FindTrainingOverlap(model, "task:keywords", eval_records);
  EXPECT_EQ(task.prompts, 2);
  EXPECT_EQ(task.pairs, 1);
  EXPECT_NE(task.Warning(3).find("1 the whole pair"), std::string::npos);
  EXPECT_EQ(FindTrainingOverlap(model, "task:keywords", {eval_records[0]}).Warning(1), "");
  WriteTrainingData(model, DescribeTrainingData(train.string(), train_records));
  const nlohmann::json s = RunSummary(EvalRm(model, dir_ / "eval.jsonl", {}));
  EXPECT_EQ(s["overlap_prompts"], 2);
  EXPECT_EQ(s["overlap_pairs"], 1);
  EXPECT_EQ(s["same_file_as_training"], false);
}

TEST_F(EvalRmHonesty, ScoreWritesEveryRowBackWithItsScore) {
  const fs::path model = SaveModel("score_rm");
  const nlohmann::json conversational = {
      {"prompt", {{{"role", "user"}, {"content", "2+2?"}}}},
      {"completion", {{{"role", "assistant"}, {"content", "4"}}}},
      {"id", 3}};
  testing::WriteText(dir_ / "rows.jsonl",
                     nlohmann::json{{"prompt", "1+1="}, {"completion", "2"}, {"id", 1}}.dump() +
                         "\n" +
                         nlohmann::json{{"prompt", "1+2="}, {"completion", "3"}, {"id", 2}}.dump() +
                         "\n" + conversational.dump() + "\n");
  ScoreOptions o{.model = model.string(), .data = (dir_ / "rows.jsonl").string()};
  const ScoreSummary s = ScoreCompletionFile(o);
  EXPECT_EQ(s.out, dir_ / "rows.scored.jsonl");
  EXPECT_EQ(s.rows, 3);
  const auto rows = JsonlObjects(s.out);
  ASSERT_EQ(rows.size(), 3u);
  reward::TextRewardModel rm = reward::LoadTextRewardModel(model);
  const torch::Tensor direct = rm.MemberRewardsOfTexts({"1+1=", "1+2="}, {"2", "3"});  // [1, 2]
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(rows[i]["id"], i + 1);
    EXPECT_NEAR(rows[i]["score"].get<double>(), direct[0][i].item<double>(), 1e-6);
  }
  EXPECT_EQ(rows[2]["prompt"], conversational["prompt"]);
  EXPECT_TRUE(rows[2]["score"].is_number());

  // An ensemble: the members' mean, and each member's score.
  const fs::path ensemble = dir_ / "ensemble";
  reward::SaveRewardModelDir(RandomByteRewardModel(1), "bradley_terry", &bytes_, {},
                             ensemble / "m0");
  reward::SaveRewardModelDir(RandomByteRewardModel(2), "bradley_terry", &bytes_, {},
                             ensemble / "m1");
  reward::WriteEnsembleIndex(ensemble, {"m0", "m1"});
  o.model = ensemble.string();
  o.out = (dir_ / "ensemble_scores.jsonl").string();
  const auto members = JsonlObjects(ScoreCompletionFile(o).out);
  const auto& m = members[0]["member_scores"];
  ASSERT_EQ(m.size(), 2u);
  EXPECT_NEAR(members[0]["score"].get<double>(), (m[0].get<double>() + m[1].get<double>()) / 2,
              1e-12);
  EXPECT_NEAR(m[0].get<double>(), rows[0]["score"].get<double>(), 1e-6);

  testing::WriteText(dir_ / "bad.jsonl",
                     nlohmann::json{{"prompt", "x"}, {"completion", "y"}}.dump() + "\n" +
                         nlohmann::json{{"prompt", "x"}}.dump() + "\n");
  o.data = (dir_ / "bad.jsonl").string();
  const std::string msg = testing::ErrorOf([&] { ScoreCompletionFile(o); });
  EXPECT_NE(msg.find("bad.jsonl:2: missing field 'completion'"), std::string::npos) << msg;
}

}  // namespace
}  // namespace rlab::pipeline
