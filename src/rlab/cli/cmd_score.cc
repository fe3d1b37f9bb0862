// rlab score FILE --model DIR [-o OUT]: a reward model's score of each (prompt, completion) row
// of FILE (TRL's prompt-completion layout, standard or conversational), written as the rows
// with a "score" field (an ensemble's also with "member_scores") to OUT, by default FILE's stem
// + .scored.jsonl beside it (pipeline/lm/score_completions.h).
#include <cstdio>

#include "rlab/cli/command_logging.h"
#include "rlab/cli/commands.h"
#include "rlab/cli/flag_checks.h"
#include "rlab/core/threads.h"
#include "rlab/pipeline/lm/score_completions.h"

namespace rlab::cli {

void AddScoreCommand(CLI::App& app) {
  auto options = std::make_shared<pipeline::ScoreOptions>();
  auto threads = std::make_shared<int>(0);
  CLI::App* cmd =
      app.add_subcommand("score", "score (prompt, completion) rows with a reward model");
  cmd->add_option("file", options->data,
                  "a .jsonl (or .json array) of {\"prompt\", \"completion\"} rows, text or chat "
                  "messages")
      ->required();
  cmd->add_option("--model", options->model,
                  "reward-model directory (train-rm's <run>/reward_model, or an ensemble)")
      ->required();
  cmd->add_option("-o,--out", options->out,
                  "where the scored rows go; without it, beside FILE as its stem + .scored.jsonl");
  cmd->add_option("--max-length", options->max_length,
                  "tokens per row; longer rows keep their end and are marked truncated")
      ->check(AtLeast(2))
      ->capture_default_str();
  cmd->add_option("--batch-size", options->batch_size, "rows scored at once")
      ->check(AtLeast(1))
      ->capture_default_str();
  cmd->add_option("--chat-template", options->chat_template,
                  "chatml, llama3, plain, or auto (from the tokenizer)")
      ->capture_default_str();
  cmd->add_option("--threads", *threads, "OpenBLAS threads (0 = all cores)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->callback([options, threads] {
    InitCommandLogging();
    ConfigureThreads(1, *threads == 0 ? CoreCount() : *threads);
    const pipeline::ScoreSummary s = pipeline::ScoreCompletionFile(*options);
    std::printf("%lld rows scored (%lld truncated) -> %s\n", static_cast<long long>(s.rows),
                static_cast<long long>(s.truncated), s.out.string().c_str());
  });
}

}  // namespace rlab::cli
