#include "rlab/models/tokenizer/tokenizer_files.h"

#include "rlab/core/check.h"
#include "rlab/models/tokenizer/json_file.h"

namespace rlab::models {

namespace fs = std::filesystem;

void ApplyTokenizerConfig(const fs::path& tokenizer_config_json, Tokenizer& tokenizer) {
  const nlohmann::json config = detail::ReadJsonFile(tokenizer_config_json);
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
  } else {
    RLAB_FAIL("'{}' holds no tokenizer: expected tokenizer.json, vocab.json + merges.txt, or "
              "encoder.json + vocab.bpe",
              path.string());
  }
  if (fs::exists(path / "tokenizer_config.json")) {
    ApplyTokenizerConfig(path / "tokenizer_config.json", *tokenizer);
  }
  return tokenizer;
}

}  // namespace rlab::models
