// rlab generate and rlab sft from the command line: ids in, ids out; greedy decoding is
// deterministic and the same with and without the cache; an SFT run writes a model directory
// that generate then reads with its tokenizer.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "test_support.h"

namespace rlab {
namespace {

using testing::LastLine;
using testing::RunRlab;

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

TEST(GenerateCli, PromptIdsGiveIdsOnOneLine) {
  const std::vector<std::string> args = {"generate",  "--model",          "tiny", "--prompt-ids",
                                         "257,49,43", "--max-new-tokens", "6",    "--temperature",
                                         "0",         "--no-stop"};
  const auto a = RunRlab(args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto ids = Words(LastLine(a.out));
  ASSERT_EQ(ids.size(), 6u) << a.out;
  for (const auto& id : ids) EXPECT_LT(std::stoll(id), 259) << id;
  auto no_cache = args;
  no_cache.push_back("--no-cache");
  const auto b = RunRlab(no_cache);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(LastLine(b.out), LastLine(a.out));
}

TEST(GenerateCli, SamplesAndLogProbs) {
  const auto r = RunRlab({"generate", "--model", "tiny", "--prompt", "12+3=", "--num-samples", "3",
                          "--max-new-tokens", "4", "--logprobs", "--seed", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int logprob_lines = 0;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("logprobs:", 0) != 0) continue;
    ++logprob_lines;
    for (std::size_t i = 1; i < Words(line).size(); ++i) EXPECT_LE(std::stod(Words(line)[i]), 0.0);
  }
  EXPECT_EQ(logprob_lines, 3) << r.out;
}

TEST(GenerateCli, BadInputGivesOneClearLine) {
  const auto both = RunRlab({"generate", "--model", "tiny", "--prompt", "a", "--prompt-ids", "1"});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("exactly one of --prompt and --prompt-ids"), std::string::npos)
      << both.err;
  const auto out_of_vocab = RunRlab({"generate", "--model", "tiny", "--prompt-ids", "1,999"});
  EXPECT_EQ(out_of_vocab.exit_code, 1);
  EXPECT_NE(out_of_vocab.err.find("999"), std::string::npos) << out_of_vocab.err;
  const auto empty_item = RunRlab({"generate", "--model", "tiny", "--prompt-ids", "1,,2"});
  EXPECT_EQ(empty_item.exit_code, 1);
  EXPECT_NE(empty_item.err.find("--prompt-ids: token ids '1,,2': item 2 is empty"),
            std::string::npos)
      << empty_item.err;
  const auto no_model = RunRlab({"generate", "--model", "no-such-dir", "--prompt-ids", "1"});
  EXPECT_EQ(no_model.exit_code, 1);
  EXPECT_NE(no_model.err.find("presets: tiny, small, medium"), std::string::npos) << no_model.err;
}

TEST(SftCli, WritesAModelThatGenerateReads) {
  testing::ScratchDir dir("sft_cli");
  const auto run =
      RunRlab({"sft", "--model", "tiny", "--data", "task:arithmetic(digits=1)", "--steps", "3",
               "--threads", "1", "optim.batch_size=4", "data.task_train_examples=20",
               "data.eval_examples=4", "run.out_dir=" + (dir / "runs").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::filesystem::path run_dir = LastLine(run.out);
  EXPECT_TRUE(std::filesystem::exists(run_dir / "model" / "config.json"));
  EXPECT_TRUE(std::filesystem::exists(run_dir / "model" / "model.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(run_dir / "model" / "tokenizer_config.json"));
  const auto gen = RunRlab({"generate", "--model", (run_dir / "model").string(), "--prompt",
                            "3+4=", "--temperature", "0", "--max-new-tokens", "3"});
  EXPECT_EQ(gen.exit_code, 0) << gen.err;
}

}  // namespace
}  // namespace rlab
