// LoadHfTokenizerJson: the byte-level BPE subset of Hugging Face's tokenizer.json format (the
// `tokenizers` library's serialisation: model, added_tokens, normalizer, pre_tokenizer,
// post_processor, decoder).
#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/text/tokenizer/json_file.h"
#include "rlab/text/tokenizer/tokenizer_files.h"

namespace rlab::models {

namespace {

using nlohmann::json;

// Reads one tokenizer.json; every message names the file and the field.
class HfReader {
 public:
  explicit HfReader(const std::filesystem::path& path)
      : path_(path.string()), root_(ReadJsonFile(path)) {
    RLAB_CHECK(root_.is_object(), "{}: expected a JSON object at the top, found {}", path_,
               detail::JsonTypeName(root_));
  }

  std::unique_ptr<BpeTokenizer> Load() {
    const json& model = Field(root_, "model", "");
    RLAB_CHECK(model.is_object(), "{}: 'model' must be an object, found {}", path_,
               detail::JsonTypeName(model));
    CheckModel(model);
    BpeOptions options;
    ReadNormalizer();
    ReadPreTokenizer(options);
    options.ignore_merges = Bool(model, "ignore_merges", "model.", false);

    std::vector<std::pair<std::string, TokenId>> vocab = ReadVocab(model);
    std::vector<std::pair<std::string, std::string>> merges = ReadMerges(model);
    std::vector<AddedToken> added = ReadAddedTokens();
    auto tokenizer = std::make_unique<BpeTokenizer>(
        vocab, merges, std::move(added), options,
        BpeSource{.vocab = path_ + ": model.vocab", .merges = path_ + ": model.merges"});
    AssignRoles(*tokenizer);
    return tokenizer;
  }

 private:
  const json& Field(const json& object, const char* key, const char* where) {
    auto it = object.find(key);
    RLAB_CHECK(it != object.end(), "{}: missing '{}{}'", path_, where, key);
    return *it;
  }

  bool Bool(const json& object, const char* key, const char* where, bool fallback) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    RLAB_CHECK(it->is_boolean(), "{}: '{}{}' must be true or false, found {}", path_, where, key,
               it->dump());
    return it->get<bool>();
  }

  void CheckModel(const json& model) {
    if (auto type = model.find("type"); type != model.end()) {
      RLAB_CHECK(type->is_string() && type->get<std::string>() == "BPE",
                 "{}: model.type is {}; only byte-level BPE models (\"BPE\") are supported", path_,
                 type->dump());
    }
    RLAB_CHECK(!Bool(model, "byte_fallback", "model.", false),
               "{}: model.byte_fallback is true (SentencePiece-style BPE); only byte-level BPE "
               "is supported",
               path_);
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
      auto it = model.find(key);
      RLAB_CHECK(
          it == model.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty()),
          "{}: model.{} is {}; byte-level BPE has none", path_, key, it->dump());
    }
    if (auto it = model.find("dropout"); it != model.end() && !it->is_null()) {
      RLAB_CHECK(it->is_number() && it->get<double>() == 0.0,
                 "{}: model.dropout is {}; BPE dropout is a training-time option and is not "
                 "supported",
                 path_, it->dump());
    }
  }

  void ReadNormalizer() {
    auto it = root_.find("normalizer");
    if (it == root_.end() || it->is_null()) return;
    const bool nfc = it->is_object() && it->value("type", "") == "NFC";
    RLAB_CHECK(nfc, "{}: normalizer {} is not supported (only none or NFC)", path_, it->dump());
  }

  void ReadPreTokenizer(BpeOptions& options) {
    const json& pre = Field(root_, "pre_tokenizer", "");
    const std::string unsupported = fmt::format(
        "{}: pre_tokenizer {} is not supported; supported are ByteLevel with use_regex (GPT-2) "
        "and a Sequence of Split (the Llama-3 or Qwen2 pattern, behavior Isolated) and "
        "ByteLevel without regex",
        path_, pre.dump().substr(0, 400));
    RLAB_CHECK(pre.is_object(), "{}", unsupported);
    const std::string type = pre.value("type", "");
    if (type == "ByteLevel") {
      RLAB_CHECK(Bool(pre, "use_regex", "pre_tokenizer.", true), "{}", unsupported);
      options.pre_tokenizer = PreTokenizer::kGpt2;
      options.add_prefix_space = Bool(pre, "add_prefix_space", "pre_tokenizer.", false);
      return;
    }
    RLAB_CHECK(type == "Sequence", "{}", unsupported);
    const json& steps = Field(pre, "pretokenizers", "pre_tokenizer.");
    RLAB_CHECK(
        steps.is_array() && steps.size() == 2 && steps[0].is_object() && steps[1].is_object(), "{}",
        unsupported);
    const json& split = steps[0];
    const json& byte_level = steps[1];
    RLAB_CHECK(split.value("type", "") == "Split" && byte_level.value("type", "") == "ByteLevel",
               "{}", unsupported);
    RLAB_CHECK(split.value("behavior", "") == "Isolated" && !Bool(split, "invert", "", false), "{}",
               unsupported);
    RLAB_CHECK(!Bool(byte_level, "use_regex", "pre_tokenizer.pretokenizers[1].", true), "{}",
               unsupported);
    const json* pattern = nullptr;
    if (auto p = split.find("pattern"); p != split.end() && p->is_object()) {
      if (auto r = p->find("Regex"); r != p->end() && r->is_string()) pattern = &*r;
    }
    RLAB_CHECK(pattern != nullptr, "{}", unsupported);
    const auto mode = PreTokenizerForPattern(pattern->get<std::string>());
    RLAB_CHECK(mode.has_value(),
               "{}: the Split pattern {} is not one rewardlab implements; known patterns: "
               "GPT-2 {}, Llama-3 {}, Qwen2 {}",
               path_, pattern->dump(), PreTokenizerPattern(PreTokenizer::kGpt2),
               PreTokenizerPattern(PreTokenizer::kLlama3),
               PreTokenizerPattern(PreTokenizer::kQwen2));
    options.pre_tokenizer = *mode;
    options.add_prefix_space =
        Bool(byte_level, "add_prefix_space", "pre_tokenizer.pretokenizers[1].", false);
  }

  std::vector<std::pair<std::string, TokenId>> ReadVocab(const json& model) {
    const json& vocab = Field(model, "vocab", "model.");
    RLAB_CHECK(vocab.is_object(),
               "{}: model.vocab must be an object mapping tokens to ids, found {}", path_,
               detail::JsonTypeName(vocab));
    std::vector<std::pair<std::string, TokenId>> out;
    out.reserve(vocab.size());
    for (const auto& [token, id] : vocab.items()) {
      RLAB_CHECK(id.is_number_integer(),
                 "{}: model.vocab: token '{}' maps to {}, not an integer id", path_, token,
                 id.dump());
      out.emplace_back(token, id.get<TokenId>());
    }
    return out;
  }

  std::vector<std::pair<std::string, std::string>> ReadMerges(const json& model) {
    const json& merges = Field(model, "merges", "model.");
    RLAB_CHECK(merges.is_array(), "{}: model.merges must be an array, found {}", path_,
               detail::JsonTypeName(merges));
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(merges.size());
    for (std::size_t i = 0; i < merges.size(); ++i) {
      const json& m = merges[i];
      if (m.is_string()) {  // "left right"
        const std::string s = m.get<std::string>();
        const std::size_t space = s.find(' ');
        RLAB_CHECK(space != std::string::npos && space > 0 && space + 1 < s.size() &&
                       s.find(' ', space + 1) == std::string::npos,
                   "{}: model.merges[{}] is \"{}\"; expected two tokens separated by one space",
                   path_, i, s);
        out.emplace_back(s.substr(0, space), s.substr(space + 1));
      } else {  // ["left", "right"]
        RLAB_CHECK(m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string() &&
                       !m[0].get<std::string>().empty() && !m[1].get<std::string>().empty(),
                   "{}: model.merges[{}] is {}; expected \"left right\" or [\"left\", \"right\"]",
                   path_, i, m.dump());
        out.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
      }
    }
    return out;
  }

  std::vector<AddedToken> ReadAddedTokens() {
    std::vector<AddedToken> out;
    auto it = root_.find("added_tokens");
    if (it == root_.end() || it->is_null()) return out;
    RLAB_CHECK(it->is_array(), "{}: added_tokens must be an array, found {}", path_,
               detail::JsonTypeName(*it));
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& t = (*it)[i];
      const std::string where = fmt::format("added_tokens[{}].", i);
      RLAB_CHECK(t.is_object(), "{}: added_tokens[{}] must be an object, found {}", path_, i,
                 t.dump());
      const json& id = Field(t, "id", where.c_str());
      const json& content = Field(t, "content", where.c_str());
      RLAB_CHECK(id.is_number_integer(), "{}: {}id must be an integer, found {}", path_, where,
                 id.dump());
      RLAB_CHECK(content.is_string(), "{}: {}content must be a string, found {}", path_, where,
                 content.dump());
      out.push_back(AddedToken{.content = content.get<std::string>(),
                               .id = id.get<TokenId>(),
                               .special = Bool(t, "special", where.c_str(), false),
                               .lstrip = Bool(t, "lstrip", where.c_str(), false),
                               .rstrip = Bool(t, "rstrip", where.c_str(), false),
                               .single_word = Bool(t, "single_word", where.c_str(), false)});
    }
    return out;
  }

  // BOS: the first special token of a TemplateProcessing post-processor's "single" template
  // (Llama-3 puts "<|begin_of_text|>" there). EOS: a well-known end-of-text token.
  void AssignRoles(Tokenizer& tokenizer) {
    const auto bos = TemplateBos(root_.value("post_processor", json()));
    if (bos && tokenizer.AddedTokenId(*bos)) tokenizer.SetBos(*bos);
    for (const char* eos : {"<|end_of_text|>", "<|endoftext|>", "</s>"}) {
      if (tokenizer.AddedTokenId(eos)) {
        tokenizer.SetEos(eos);
        break;
      }
    }
  }

  static std::optional<std::string> TemplateBos(const json& processor) {
    if (!processor.is_object()) return std::nullopt;
    const std::string type = processor.value("type", "");
    if (type == "Sequence") {
      for (const json& p : processor.value("processors", json::array())) {
        if (auto bos = TemplateBos(p)) return bos;
      }
      return std::nullopt;
    }
    if (type != "TemplateProcessing") return std::nullopt;
    const json single = processor.value("single", json::array());
    if (!single.is_array() || single.empty() || !single[0].is_object()) return std::nullopt;
    auto special = single[0].find("SpecialToken");
    if (special == single[0].end() || !special->is_object()) return std::nullopt;
    auto id = special->find("id");
    if (id == special->end() || !id->is_string()) return std::nullopt;
    return id->get<std::string>();
  }

  std::string path_;
  json root_;
};

}  // namespace

std::unique_ptr<BpeTokenizer> LoadHfTokenizerJson(const std::filesystem::path& tokenizer_json) {
  return HfReader(tokenizer_json).Load();
}

}  // namespace rlab::models
