// The C++ side of bench/python_reward_model_call.py: the reward-model call that
// rewardlab.models.RewardModel makes, timed in a loop in C++ alone, so that the difference is
// the cost of crossing from Python. Prints one JSON line.
//
//   bench_reward_model_call --model DIR --batch 32 --call text|tokens --seconds 1
//
// text:   rewards of `batch` (prompt, completion) texts (RewardModel(path)(prompts, completions))
// tokens: rewards of the same rows already tokenized (RewardModel.score(input_ids, mask))
// Threads: one libtorch and one OpenBLAS thread, and glibc's default malloc, as a Python
// process that imports torch has them (no ConfigureThreads).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "rlab/core/threads.h"
#include "rlab/reward/model/rm_batch.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/preference_tokens.h"

namespace {

using Clock = std::chrono::steady_clock;

// The rows python_reward_model_call.py scores: row i of every batch size is the same text.
std::string Prompt(int64_t i) { return fmt::format("Question {}: what is {} plus {}?", i, i, i); }
std::string Completion(int64_t i) { return fmt::format(" The answer is {}.", 2 * i); }

// Microseconds per call: the fastest of 5 rounds, each about seconds / 5 long (on a shared
// machine the fastest round is the one least disturbed by other work).
double MicrosecondsPerCall(const std::function<void()>& call, double seconds) {
  for (int i = 0; i < 10; ++i) call();
  const auto start = Clock::now();
  int64_t calibration = 0;
  while (std::chrono::duration<double>(Clock::now() - start).count() < 0.05) {
    call();
    ++calibration;
  }
  const double per_call = 0.05 / static_cast<double>(calibration);
  const int64_t iters = std::max<int64_t>(1, static_cast<int64_t>(seconds / 5 / per_call));
  std::vector<double> rounds;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = Clock::now();
    for (int64_t i = 0; i < iters; ++i) call();
    rounds.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() /
                     static_cast<double>(iters));
  }
  return *std::min_element(rounds.begin(), rounds.end());
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_dir, call = "text";
  int64_t batch = 1;
  double seconds = 0.5;
  CLI::App app{"time one reward-model call in C++"};
  app.add_option("--model", model_dir, "reward-model directory")->required();
  app.add_option("--batch", batch, "rows per call");
  app.add_option("--call", call, "text or tokens")->check(CLI::IsMember({"text", "tokens"}));
  app.add_option("--seconds", seconds, "time spent measuring");
  CLI11_PARSE(app, argc, argv);
  torch::set_num_threads(1);
  rlab::SetBlasThreads(1);

  rlab::reward::TextRewardModel rm = rlab::reward::LoadTextRewardModel(model_dir);
  std::vector<std::string> prompts, completions;
  for (int64_t i = 0; i < batch; ++i) {
    prompts.push_back(Prompt(i));
    completions.push_back(Completion(i));
  }
  std::function<void()> once;
  torch::Tensor ids, mask;
  if (call == "text") {
    once = [&] { (void)rm.MemberRewardsOfTexts(prompts, completions)[0]; };
  } else {
    std::vector<rlab::data::PreferenceRecord> records(prompts.size());
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      records[i].prompt = prompts[i];
      records[i].responses = {completions[i]};
    }
    const auto examples = rlab::data::TokenizePreferences(records, rm.tokenizer(), 512,
                                                          rlab::data::Truncation::kKeepEnd);
    std::vector<int64_t> all(examples.size());
    std::iota(all.begin(), all.end(), 0);
    const auto rows = rlab::reward::CollatePreferences(examples, all, *rm.tokenizer().pad_id());
    ids = rows.ids;
    mask = rows.attention_mask;
    once = [&] {
      torch::NoGradGuard no_grad;
      (void)rm.MemberRewards(ids, mask)[0];
    };
  }
  const double us = MicrosecondsPerCall(once, seconds);
  std::printf("{\"call\": \"%s\", \"batch\": %lld, \"us_per_call\": %.2f}\n", call.c_str(),
              static_cast<long long>(batch), us);
  return 0;
}
