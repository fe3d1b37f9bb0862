#include "rlab/text/tokenizer/tokenizer_files.h"

#include <optional>
#include <span>
#include <utility>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/text/tokenizer/json_file.h"

namespace rlab::models {

namespace fs = std::filesystem;

namespace {

bool IsByteTokenizerConfig(const fs::path& path) {
  if (!fs::exists(path)) return false;
  const nlohmann::json config = ReadJsonFile(path);
  return config.is_object() && config.value("tokenizer_class", "") == kByteTokenizerClass;
}

std::unique_ptr<ByteTokenizer> ReadByteTokenizerConfig(const fs::path& path) {
  const nlohmann::json config = ReadJsonFile(path);
  ByteTokenizerOptions options;
  options.special_tokens.clear();
  const auto it = config.find("added_tokens");
  RLAB_CHECK(it != config.end() && it->is_array(),
             "{}: added_tokens must be a list of strings (the added tokens in id order)",
             path.string());
  for (const auto& token : *it) {
    RLAB_CHECK(token.is_string(), "{}: added_tokens holds {}, expected strings", path.string(),
               token.dump());
    options.special_tokens.push_back(token.get<std::string>());
  }
  return std::make_unique<ByteTokenizer>(std::move(options));
}

}  // namespace

void WriteByteTokenizerConfig(const ByteTokenizer& tokenizer, const fs::path& dir) {
  nlohmann::ordered_json config;
  config["tokenizer_class"] = kByteTokenizerClass;
  config["added_tokens"] = tokenizer.options().special_tokens;
  const auto content = [&](std::optional<TokenId> id) -> nlohmann::ordered_json {
    if (!id) return nullptr;
    return tokenizer.Decode(std::span<const TokenId>(&*id, 1));
  };
  config["bos_token"] = content(tokenizer.bos_id());
  config["eos_token"] = content(tokenizer.eos_id());
  config["pad_token"] = content(tokenizer.pad_id());
  fs::create_directories(dir);
  WriteFileAtomic(dir / "tokenizer_config.json", config.dump(2) + "\n");
}

void CopyTokenizerFiles(const fs::path& src, const fs::path& dst) {
  if (fs::exists(dst) && fs::equivalent(src, dst)) return;
  fs::create_directories(dst);
  for (const auto& entry : fs::directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    for (const char* prefix : {"tokenizer", "vocab", "merges", "special_tokens_map", "encoder"}) {
      if (name.starts_with(prefix)) {
        WriteFileAtomic(dst / name, ReadFile(entry.path()));
        break;
      }
    }
  }
}

void ApplyTokenizerConfig(const fs::path& tokenizer_config_json, Tokenizer& tokenizer) {
  const nlohmann::json config = ReadJsonFile(tokenizer_config_json);
  RLAB_CHECK(config.is_object(), "{}: expected a JSON object, found {}",
             tokenizer_config_json.string(), detail::JsonTypeName(config));
  for (const char* key : {"bos_token", "eos_token", "pad_token"}) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) continue;
    std::string content;
    if (it->is_string()) {
      content = it->get<std::string>();
    } else if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
      content = (*it)["content"].get<std::string>();
    } else {
      RLAB_FAIL("{}: {} must be a string or an object with \"content\", found {}",
                tokenizer_config_json.string(), key, it->dump());
    }
    RLAB_CHECK(tokenizer.AddedTokenId(content).has_value(),
               "{}: {} is '{}', which is not an added token of {}", tokenizer_config_json.string(),
               key, content, tokenizer.Describe());
    const std::string_view k(key);
    if (k == "bos_token") tokenizer.SetBos(content);
    if (k == "eos_token") tokenizer.SetEos(content);
    if (k == "pad_token") tokenizer.SetPad(content);
  }
}

std::unique_ptr<Tokenizer> LoadTokenizer(const fs::path& path) {
  RLAB_CHECK(fs::exists(path), "tokenizer path '{}' does not exist", path.string());
  if (!fs::is_directory(path)) {
    RLAB_CHECK(path.extension() == ".json",
               "'{}' is not a tokenizer: give a model directory or a tokenizer.json file",
               path.string());
    return LoadHfTokenizerJson(path);
  }
  std::unique_ptr<Tokenizer> tokenizer;
  if (fs::exists(path / "tokenizer.json")) {
    tokenizer = LoadHfTokenizerJson(path / "tokenizer.json");
  } else if (fs::exists(path / "vocab.json") && fs::exists(path / "merges.txt")) {
    tokenizer = LoadGpt2Tokenizer(path / "vocab.json", path / "merges.txt");
  } else if (fs::exists(path / "encoder.json") && fs::exists(path / "vocab.bpe")) {
    tokenizer = LoadGpt2Tokenizer(path / "encoder.json", path / "vocab.bpe");
  } else if (IsByteTokenizerConfig(path / "tokenizer_config.json")) {
    tokenizer = ReadByteTokenizerConfig(path / "tokenizer_config.json");
  } else {
    RLAB_FAIL("'{}' holds no tokenizer: expected tokenizer.json, vocab.json + merges.txt, "
              "encoder.json + vocab.bpe, or a tokenizer_config.json of class {}",
              path.string(), kByteTokenizerClass);
  }
  if (fs::exists(path / "tokenizer_config.json")) {
    ApplyTokenizerConfig(path / "tokenizer_config.json", *tokenizer);
  }
  return tokenizer;
}

}  // namespace rlab::models
