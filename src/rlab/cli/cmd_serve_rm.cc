// rlab serve-rm --model DIR: a reward model or ensemble behind HTTP (serve/reward_server.h),
// with OpenRLHF's POST /get_reward, our POST /v1/score, GET /health and GET /metrics, until
// SIGTERM or SIGINT.
#include "rlab/cli/command_logging.h"
#include "rlab/cli/commands.h"
#include "rlab/cli/flag_checks.h"
#include "rlab/core/threads.h"
#include "rlab/pipeline/lm/score_completions.h"
#include "rlab/serve/reward_server.h"

namespace rlab::cli {

void AddServeRmCommand(CLI::App& app) {
  auto options = std::make_shared<serve::RewardServerOptions>();
  options->max_length = pipeline::ScoreOptions{}.max_length;
  auto max_wait_ms = std::make_shared<double>(
      std::chrono::duration<double, std::milli>(options->batching.max_wait).count());
  auto threads = std::make_shared<int>(0);
  CLI::App* cmd = app.add_subcommand(
      "serve-rm", "serve a reward model over HTTP (OpenRLHF's /get_reward, and /v1/score)");
  cmd->add_option("--model", options->model,
                  "reward-model directory (train-rm's <run>/reward_model, or an ensemble)")
      ->required();
  serve::AddHttpServerFlags(*cmd, options->http);
  cmd->add_option("--max-batch", options->batching.max_batch, "items scored at once")
      ->check(AtLeast(1))
      ->capture_default_str();
  cmd->add_option("--max-wait-ms", *max_wait_ms,
                  "how long a batch waits for more items before it is scored")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--queue", options->batching.queue_capacity,
                  "items that may wait for a batch; more are refused with 429")
      ->check(AtLeast(1))
      ->capture_default_str();
  cmd->add_option("--timeout-s", options->timeout_s,
                  "seconds a request may take from arrival to answer (then 504)")
      ->check(AtLeast(0.001))
      ->capture_default_str();
  cmd->add_option("--max-length", options->max_length,
                  "tokens per item; longer texts keep their end")
      ->check(AtLeast(2))
      ->capture_default_str();
  cmd->add_option("--aggregate", options->aggregate,
                  "how an ensemble's members make one reward: mean, wco, uwo(lambda=...), "
                  "member(index=...)")
      ->capture_default_str();
  cmd->add_option("--threads", *threads, "OpenBLAS threads (0 = all cores)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->callback([options, max_wait_ms, threads] {
    InitCommandLogging();
    ConfigureThreads(1, *threads == 0 ? CoreCount() : *threads);
    options->batching.max_wait =
        std::chrono::microseconds(static_cast<int64_t>(*max_wait_ms * 1000));
    serve::ServeRewardModel(*options);
  });
}

}  // namespace rlab::cli
