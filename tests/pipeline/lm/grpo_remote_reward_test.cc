// GRPO rewarded over HTTP: `rlab serve-rm` serves a reward-model directory on a free loopback
// port, and a short run whose reward is remote(url=...) against it logs, at its first step, the
// rewards of the same run scoring the directory in-process with model(path=...). About 3 s.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <fmt/format.h>

#include <chrono>
#include <regex>
#include <thread>

#include "models/transformer/tiny_configs.h"
#include "pipeline/run_files.h"
#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

namespace fs = std::filesystem;

// `rlab serve-rm --model DIR --port 0`, stopped with SIGTERM when the object dies; url() is ""
// when it never said where it listens.
class ServeRm {
 public:
  ServeRm(const fs::path& model, const fs::path& dir) : dir_(dir) {
    pid_ =
        testing::SpawnRlab({"serve-rm", "--model", model.string(), "--port", "0", "--threads", "1"},
                           dir_ / "out", dir_ / "err");
    const std::regex listening(R"(rlab serve-rm: listening on (http://127\.0\.0\.1:\d+/))");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (url_.empty() && std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      const std::string out = fs::exists(dir_ / "out") ? testing::ReadText(dir_ / "out") : "";
      if (std::regex_search(out, m, listening)) {
        url_ = m[1];
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  ~ServeRm() {
    kill(pid_, SIGTERM);
    testing::WaitFor(pid_);
  }
  const std::string& url() const { return url_; }
  std::string err() const { return testing::ReadText(dir_ / "err"); }

 private:
  fs::path dir_;
  int pid_ = -1;
  std::string url_;
};

RunRequest TinyGrpo(const fs::path& out, const std::string& reward) {
  RunRequest r;
  r.pipeline = "rl";
  r.threads = 1;
  r.overrides = {"run.out_dir=" + out.string(),
                 "run.log_every=1",
                 "data=task:arithmetic(digits=1)",
                 "reward=[\"" + reward + "\"]",
                 "optim.batch_size=2",
                 "group_size=2",
                 "optim.steps=2",
                 "max_new_tokens=4",
                 "eval_every=0",
                 "eval_prompts=3"};
  return r;
}

// The metrics line of step 1.
nlohmann::json FirstStep(const fs::path& run) {
  nlohmann::json first;
  ForEachJsonl(run / "metrics.jsonl", [&](const nlohmann::json& j) {
    if (first.is_null() && j.value("step", -1) == 1) first = j;
  });
  return first;
}

TEST(GrpoRemoteReward, RunAgainstServeRmLogsTheRewardsOfTheModelScoredInProcess) {
  testing::ScratchDir dir("grpo_remote_reward");
  // An untrained reward model: its scores are arbitrary but the same wherever it runs.
  models::TransformerConfig config = models::testing::TinyLlama();
  config.vocab_size = models::ByteTokenizer().vocab_size();
  torch::manual_seed(5);
  models::SequenceRewardModel rm(config, 1);
  models::ByteTokenizer bytes;
  reward::SaveRewardModelDir(rm, "bradley_terry", &bytes, {}, dir / "rm");

  fs::create_directories(dir / "server");
  const ServeRm server(dir / "rm", dir / "server");
  ASSERT_FALSE(server.url().empty()) << server.err();
  const fs::path remote = ExecuteRun(TinyGrpo(dir / "remote", "remote(url=" + server.url() + ")"));
  const fs::path local =
      ExecuteRun(TinyGrpo(dir / "local", "model(path=" + (dir / "rm").string() + ")"));
  EXPECT_EQ(testing::RunSummary(remote)["steps"], 2);
  // The first step's rewards (the same samples: later steps may part, as GRPO's group
  // normalisation magnifies the last bits of two close rewards). The server scores each query
  // as one text and rlab's in-process source scores prompt and completion: the two agree to
  // about 1e-3 on this untrained model.
  const nlohmann::json first_remote = FirstStep(remote), first_local = FirstStep(local);
  ASSERT_TRUE(first_remote.contains("reward") && first_local.contains("reward"))
      << first_remote.dump();
  EXPECT_EQ(first_remote["entropy"], first_local["entropy"]);  // the same samples
  EXPECT_NEAR(first_remote["reward"].get<double>(), first_local["reward"].get<double>(), 5e-3)
      << "remote: " << first_remote.dump() << "\nlocal: " << first_local.dump();
  EXPECT_GT(first_remote["reward_std"].get<double>(), 0.0);  // each completion its own reward
}

}  // namespace
}  // namespace rlab::pipeline
