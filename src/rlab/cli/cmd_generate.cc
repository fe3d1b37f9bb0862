// rlab generate --model DIR|preset --prompt TEXT       -> the completion's text
// rlab generate --model DIR --prompt-ids 1,2,3         -> the generated ids on one line
// Sampling: --temperature (0 = greedy), --top-k, --top-p, --max-new-tokens, --stop-ids;
// --num-samples draws several completions of one prompt in one batch; --logprobs prints each
// token's log-probability too.
#include <fmt/format.h>
#include <torch/torch.h>

#include <cstdio>

#include "rlab/cli/command_logging.h"
#include "rlab/cli/commands.h"
#include "rlab/cli/flag_checks.h"
#include "rlab/cli/id_list.h"
#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/core/threads.h"
#include "rlab/models/generation/generate.h"
#include "rlab/text/tokenizer/named_tokenizer.h"
#include "rlab/models/transformer/language_model.h"

namespace rlab::cli {

namespace {
struct GenerateArgs {
  std::string model;
  std::string tokenizer;
  std::string prompt;
  std::string prompt_ids;
  int64_t max_new_tokens = 64;
  double temperature = 1.0;
  int64_t top_k = 0;
  double top_p = 1.0;
  std::string stop_ids;
  int64_t num_samples = 1;
  uint64_t seed = 1;
  bool no_cache = false;
  bool logprobs = false;
  bool no_bos = false;
  bool no_stop = false;
  int threads = 0;
};

void Run(const GenerateArgs& a) {
  RLAB_CHECK(a.prompt.empty() != a.prompt_ids.empty(),
             "give exactly one of --prompt and --prompt-ids");
  ConfigureThreads(1, a.threads == 0 ? CoreCount() : a.threads);
  models::LanguageModel lm = models::OpenLanguageModel(a.model, DeriveSeed(a.seed, "init"));
  if (!a.tokenizer.empty()) lm.tokenizer = models::OpenTokenizer(a.tokenizer);
  lm.model->eval();

  std::vector<int64_t> prompt;
  if (!a.prompt_ids.empty()) {
    prompt = ParseIdList(a.prompt_ids, "--prompt-ids: token id");
  } else {
    RLAB_CHECK(lm.tokenizer != nullptr,
               "{} has no tokenizer: give --tokenizer, or the prompt as --prompt-ids", a.model);
    prompt = a.no_bos ? lm.tokenizer->Encode(a.prompt) : lm.tokenizer->EncodeWithBos(a.prompt);
  }
  RLAB_CHECK(!prompt.empty(),
             "the prompt has no tokens: give --prompt-ids at least one id, or --prompt without "
             "--no-bos");
  const int64_t vocab = lm.model->config().vocab_size;
  for (int64_t id : prompt) {
    RLAB_CHECK(id >= 0 && id < vocab,
               "prompt token id {} is outside the model's vocabulary "
               "(0..{})",
               id, vocab - 1);
  }
  models::GenerationOptions options;
  options.max_new_tokens = a.max_new_tokens;
  options.sampling = {.temperature = a.temperature, .top_k = a.top_k, .top_p = a.top_p};
  options.use_cache = !a.no_cache;
  if (a.no_stop) {
    RLAB_CHECK(a.stop_ids.empty(), "give at most one of --stop-ids and --no-stop");
  } else if (!a.stop_ids.empty()) {
    options.stop_token_ids = ParseIdList(a.stop_ids, "--stop-ids: token id");
  } else if (lm.tokenizer && lm.tokenizer->eos_id()) {
    options.stop_token_ids = {*lm.tokenizer->eos_id()};
  }
  if (lm.tokenizer) {
    options.pad_token_id = lm.tokenizer->pad_id().value_or(lm.tokenizer->eos_id().value_or(0));
  }
  at::Generator generator = models::MakeGenerator(DeriveSeed(a.seed, "generate"));
  const std::vector<std::vector<int64_t>> prompts(a.num_samples, prompt);
  const models::GenerationOutput out = models::Generate(lm.model, prompts, options, generator);
  for (int64_t b = 0; b < a.num_samples; ++b) {
    const std::vector<int64_t> ids = out.Completion(b);
    if (!a.prompt_ids.empty() || lm.tokenizer == nullptr) {
      std::string line;
      for (std::size_t i = 0; i < ids.size(); ++i)
        line += fmt::format("{}{}", i ? " " : "", ids[i]);
      std::printf("%s\n", line.c_str());
    } else {
      const std::string text = lm.tokenizer->Decode(ids, /*skip_special=*/true);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::printf("\n");
    }
    if (a.logprobs) {
      const auto lp = out.logprobs.accessor<float, 2>();
      std::string line = "logprobs:";
      for (std::size_t i = 0; i < ids.size(); ++i) line += fmt::format(" {:.4f}", lp[b][i]);
      std::printf("%s\n", line.c_str());
    }
  }
}
}  // namespace

void AddGenerateCommand(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand("generate", "sample a completion from a language model");
  cmd->add_option("--model", args->model, "model directory (Hugging Face layout) or preset")
      ->required();
  cmd->add_option("--tokenizer", args->tokenizer,
                  "tokenizer (byte, gpt2, a path); when not given, the model's");
  cmd->add_option("--prompt", args->prompt, "prompt text (encoded with BOS unless --no-bos)");
  cmd->add_option("--prompt-ids", args->prompt_ids, "prompt token ids, e.g. 1,2,3; prints ids");
  cmd->add_option("--max-new-tokens", args->max_new_tokens, "most tokens to generate")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--temperature", args->temperature, "sampling temperature; 0 = greedy")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--top-k", args->top_k, "sample from the k most likely tokens (0 = all)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--top-p", args->top_p, "nucleus sampling threshold (1 = off)")
      ->capture_default_str();
  cmd->add_option("--stop-ids", args->stop_ids,
                  "token ids that end a completion; when not given, the tokenizer's EOS");
  cmd->add_option("--num-samples", args->num_samples, "completions of the prompt, in one batch")
      ->check(AtLeast(1))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "seed of the sampling (and of a preset's weights)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "OpenBLAS threads (0 = all cores)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_flag("--no-cache", args->no_cache, "recompute every position at every step");
  cmd->add_flag("--no-stop", args->no_stop, "generate max-new-tokens tokens, ignoring EOS");
  cmd->add_flag("--no-bos", args->no_bos, "do not prepend BOS to --prompt");
  cmd->add_flag("--logprobs", args->logprobs, "also print each generated token's log-probability");
  cmd->callback([args] {
    InitCommandLogging();
    Run(*args);
  });
}

}  // namespace rlab::cli
