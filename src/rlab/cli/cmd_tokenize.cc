// rlab tokenize --tokenizer gpt2|byte|DIR TEXT    -> token ids on one line
// rlab detokenize --tokenizer gpt2|byte|DIR IDS   -> the text (ids as "1 2 3" or "1,2,3")
#include <cstdio>

#include "rlab/cli/commands.h"
#include "rlab/cli/id_list.h"
#include "rlab/text/tokenizer/named_tokenizer.h"

namespace rlab::cli {

namespace {
struct TokenizeArgs {
  std::string tokenizer = "gpt2";
  std::string text;
  bool bos = false;
  bool skip_special = false;
};
}  // namespace

void AddTokenizeCommands(CLI::App& app) {
  auto args = std::make_shared<TokenizeArgs>();
  CLI::App* enc = app.add_subcommand("tokenize", "print the token ids of a text, on one line");
  enc->add_option("--tokenizer", args->tokenizer, "gpt2, byte, or a tokenizer directory/file")
      ->capture_default_str();
  enc->add_option("text", args->text, "the text")->required();
  enc->add_flag("--bos", args->bos, "prepend the tokenizer's BOS token");
  enc->callback([args] {
    const auto tok = models::OpenTokenizer(args->tokenizer);
    const auto ids = args->bos ? tok->EncodeWithBos(args->text) : tok->Encode(args->text);
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
    std::printf("%s\n", line.c_str());
  });

  CLI::App* dec = app.add_subcommand("detokenize", "print the text of token ids");
  dec->add_option("--tokenizer", args->tokenizer, "gpt2, byte, or a tokenizer directory/file")
      ->capture_default_str();
  dec->add_option("ids", args->text, "token ids separated by spaces or commas")->required();
  dec->add_flag("--skip-special", args->skip_special, "leave out special tokens");
  dec->callback([args] {
    const auto tok = models::OpenTokenizer(args->tokenizer);
    const std::vector<models::TokenId> ids = ParseIdList(args->text, "token id");
    const std::string text = tok->Decode(ids, args->skip_special);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::printf("\n");
  });
}

}  // namespace rlab::cli
