// LoadGpt2Tokenizer: GPT-2's encoder.json (token -> id) and vocab.bpe (one merge per line, in
// rank order, after a "#version" line), as released with Radford et al. 2019, "Language Models
// are Unsupervised Multitask Learners".
#include <algorithm>
#include <sstream>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/text/tokenizer/json_file.h"
#include "rlab/text/tokenizer/tokenizer_files.h"

namespace rlab::models {

namespace {

std::vector<std::pair<std::string, TokenId>> ReadVocabJson(const std::filesystem::path& path) {
  const nlohmann::json root = ReadJsonFile(path);
  RLAB_CHECK(root.is_object(), "{}: expected a JSON object mapping tokens to ids, found {}",
             path.string(), detail::JsonTypeName(root));
  std::vector<std::pair<std::string, TokenId>> vocab;
  vocab.reserve(root.size());
  for (const auto& [token, id] : root.items()) {
    RLAB_CHECK(id.is_number_integer(), "{}: token '{}' maps to a {} ({}), not an integer id",
               path.string(), token, detail::JsonTypeName(id), id.dump());
    vocab.emplace_back(token, id.get<TokenId>());
  }
  return vocab;
}

// Merges from a vocab.bpe / merges.txt file; sets `first_line` to the line of the first merge.
std::vector<std::pair<std::string, std::string>> ReadMergesTxt(const std::filesystem::path& path,
                                                               int64_t& first_line) {
  const std::string text = ReadFile(path);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();  // trailing blank lines

  std::size_t start = 0;
  if (!lines.empty() && lines[0].starts_with("#version")) start = 1;
  first_line = static_cast<int64_t>(start) + 1;
  std::vector<std::pair<std::string, std::string>> merges;
  merges.reserve(lines.size() - start);
  for (std::size_t i = start; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const std::size_t space = line.find(' ');
    RLAB_CHECK(space != std::string::npos && space > 0 && space + 1 < line.size() &&
                   line.find(' ', space + 1) == std::string::npos,
               "{}:{}: expected a merge, two tokens separated by one space; found '{}'",
               path.string(), i + 1, line);
    merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  return merges;
}

}  // namespace

std::unique_ptr<BpeTokenizer> LoadGpt2Tokenizer(const std::filesystem::path& vocab_json,
                                                const std::filesystem::path& merges_txt) {
  std::vector<std::pair<std::string, TokenId>> vocab = ReadVocabJson(vocab_json);
  int64_t first_line = 0;
  std::vector<std::pair<std::string, std::string>> merges = ReadMergesTxt(merges_txt, first_line);

  std::vector<AddedToken> added;
  const std::string kEndOfText = "<|endoftext|>";
  auto eot = std::find_if(vocab.begin(), vocab.end(),
                          [&](const auto& entry) { return entry.first == kEndOfText; });
  if (eot != vocab.end()) added.push_back(AddedToken{.content = kEndOfText, .id = eot->second});

  auto tokenizer = std::make_unique<BpeTokenizer>(vocab, merges, std::move(added), BpeOptions{},
                                                  BpeSource{.vocab = vocab_json.string(),
                                                            .merges = merges_txt.string(),
                                                            .first_merge_line = first_line});
  if (eot != vocab.end()) {
    tokenizer->SetBos(kEndOfText);
    tokenizer->SetEos(kEndOfText);
  }
  return tokenizer;
}

}  // namespace rlab::models
