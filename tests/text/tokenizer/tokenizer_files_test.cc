#include "rlab/text/tokenizer/tokenizer_files.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <optional>

#include "rlab/text/tokenizer/named_tokenizer.h"

#include "test_support.h"
#include "tiny_vocab.h"

namespace rlab::models {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Ids = std::vector<TokenId>;
using rlab::testing::ErrorOf;
using rlab::testing::ScratchDir;
using rlab::testing::WriteText;
using testing::TinyVocab;

using rlab::testing::Contains;

// A vocabulary with merges for "hello" (id 259) and "Ġworld" (id 264).
TinyVocab HelloVocab() {
  TinyVocab v;
  v.Merge("h", "e");           // 256
  v.Merge("l", "l");           // 257
  v.Merge("he", "ll");         // 258
  v.Merge("hell", "o");        // 259
  v.Merge("\u0120", "w");      // 260
  v.Merge("o", "r");           // 261
  v.Merge("\u0120w", "or");    // 262
  v.Merge("\u0120wor", "l");   // 263
  v.Merge("\u0120worl", "d");  // 264
  return v;
}

json VocabJson(const TinyVocab& v) {
  json vocab = json::object();
  for (const auto& [token, id] : v.vocab) vocab[token] = id;
  return vocab;
}

void WriteGpt2Files(const TinyVocab& v, const fs::path& vocab_json, const fs::path& merges_txt) {
  WriteText(vocab_json, VocabJson(v).dump());
  std::string merges = "#version: 0.2\n";
  for (const auto& [a, b] : v.merges) merges += a + " " + b + "\n";
  WriteText(merges_txt, merges);
}

// A Llama-3-style tokenizer.json over `v`: Split + ByteLevel, BOS from the post-processor.
json LlamaStyleJson(const TinyVocab& v, bool merges_as_pairs) {
  json merges = json::array();
  for (const auto& [a, b] : v.merges) {
    merges.push_back(merges_as_pairs ? json::array({a, b}) : json(a + " " + b));
  }
  const TokenId n = static_cast<TokenId>(v.vocab.size());
  return json{
      {"version", "1.0"},
      {"added_tokens",
       json::array({{{"id", n}, {"content", "<|begin_of_text|>"}, {"special", true}},
                    {{"id", n + 1}, {"content", "<|end_of_text|>"}, {"special", true}},
                    {{"id", n + 2}, {"content", "<|eot_id|>"}, {"special", true}}})},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "Sequence"},
        {"pretokenizers",
         json::array({{{"type", "Split"},
                       {"pattern", {{"Regex", PreTokenizerPattern(PreTokenizer::kLlama3)}}},
                       {"behavior", "Isolated"},
                       {"invert", false}},
                      {{"type", "ByteLevel"},
                       {"add_prefix_space", false},
                       {"trim_offsets", true},
                       {"use_regex", false}}})}}},
      {"post_processor",
       {{"type", "Sequence"},
        {"processors",
         json::array(
             {{{"type", "ByteLevel"}},
              {{"type", "TemplateProcessing"},
               {"single",
                json::array({{{"SpecialToken", {{"id", "<|begin_of_text|>"}, {"type_id", 0}}}},
                             {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})}}})}}},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", nullptr},
        {"continuing_subword_prefix", nullptr},
        {"end_of_word_suffix", nullptr},
        {"fuse_unk", false},
        {"byte_fallback", false},
        {"ignore_merges", true},
        {"vocab", VocabJson(v)},
        {"merges", merges}}}};
}

TEST(TokenizerFiles, Gpt2FilesLoad) {
  ScratchDir dir("tok-gpt2-files");
  TinyVocab v = HelloVocab();
  const TokenId eot = v.Token("<|endoftext|>");
  WriteGpt2Files(v, dir / "encoder.json", dir / "vocab.bpe");
  auto t = LoadGpt2Tokenizer(dir / "encoder.json", dir / "vocab.bpe");
  EXPECT_EQ(t->num_merges(), 9);
  EXPECT_EQ(t->Encode("hello world<|endoftext|>"), (Ids{259, 264, eot}));
  EXPECT_EQ(t->bos_id(), eot);
  EXPECT_EQ(t->eos_id(), eot);
  EXPECT_EQ(t->Decode(Ids{259, 264, eot}), "hello world<|endoftext|>");
  // The same files under Hugging Face's names, found through the directory.
  fs::rename(dir / "encoder.json", dir / "vocab.json");
  fs::rename(dir / "vocab.bpe", dir / "merges.txt");
  EXPECT_EQ(LoadTokenizer(dir.path())->Encode("hello"), (Ids{259}));
}

TEST(TokenizerFiles, MalformedGpt2Files) {
  ScratchDir dir("tok-gpt2-bad");
  const TinyVocab v = HelloVocab();
  WriteGpt2Files(v, dir / "encoder.json", dir / "vocab.bpe");

  WriteText(dir / "bad.bpe", "#version: 0.2\nh e\nl  l\n");
  std::string e = ErrorOf([&] { LoadGpt2Tokenizer(dir / "encoder.json", dir / "bad.bpe"); });
  EXPECT_TRUE(Contains(e, "bad.bpe:3")) << e;

  WriteText(dir / "unknown.bpe", "#version: 0.2\nh e\nq zz\n");
  e = ErrorOf([&] { LoadGpt2Tokenizer(dir / "encoder.json", dir / "unknown.bpe"); });
  EXPECT_TRUE(Contains(e, "unknown.bpe line 3")) << e;
  EXPECT_TRUE(Contains(e, "'zz'")) << e;

  WriteText(dir / "truncated.json", "{\"a\": 1, \"b\": ");
  e = ErrorOf([&] { LoadGpt2Tokenizer(dir / "truncated.json", dir / "vocab.bpe"); });
  EXPECT_TRUE(Contains(e, "truncated.json: not valid JSON")) << e;

  WriteText(dir / "string_id.json", "{\"a\": \"1\"}");
  e = ErrorOf([&] { LoadGpt2Tokenizer(dir / "string_id.json", dir / "vocab.bpe"); });
  EXPECT_TRUE(Contains(e, "string_id.json: token 'a'")) << e;

  WriteText(dir / "array.json", "[1, 2]");
  e = ErrorOf([&] { LoadGpt2Tokenizer(dir / "array.json", dir / "vocab.bpe"); });
  EXPECT_TRUE(Contains(e, "expected a JSON object")) << e;

  e = ErrorOf([&] { LoadGpt2Tokenizer(dir / "missing.json", dir / "vocab.bpe"); });
  EXPECT_TRUE(Contains(e, "missing.json")) << e;
}

TEST(TokenizerFiles, LlamaStyleTokenizerJson) {
  ScratchDir dir("tok-hf-llama");
  const TinyVocab v = HelloVocab();
  const TokenId n = static_cast<TokenId>(v.vocab.size());
  for (bool pairs : {false, true}) {
    WriteText(dir / "tokenizer.json", LlamaStyleJson(v, pairs).dump(2));
    auto t = LoadHfTokenizerJson(dir / "tokenizer.json");
    EXPECT_EQ(t->options().pre_tokenizer, PreTokenizer::kLlama3);
    EXPECT_TRUE(t->options().ignore_merges);
    EXPECT_EQ(t->vocab_size(), n + 3);
    EXPECT_EQ(t->bos_id(), n);
    EXPECT_EQ(t->eos_id(), n + 1);
    EXPECT_EQ(t->EncodeWithBos("hello world<|eot_id|>"), (Ids{n, 259, 264, n + 2}));
    // Llama-3 digits come in threes.
    EXPECT_EQ(t->Encode("12345"), (Ids{'1', '2', '3', '4', '5'}));
    EXPECT_EQ(t->Decode(t->Encode("hello 12345 world")), "hello 12345 world");
  }
  // tokenizer_config.json overrides the roles.
  WriteText(
      dir / "tokenizer_config.json",
      R"({"bos_token": null, "eos_token": {"content": "<|eot_id|>"}, "pad_token": "<|end_of_text|>"})");
  auto t = LoadTokenizer(dir.path());
  EXPECT_EQ(t->eos_id(), n + 2);
  EXPECT_EQ(t->pad_id(), n + 1);
  WriteText(dir / "tokenizer_config.json", R"({"eos_token": "<|im_end|>"})");
  const std::string e = ErrorOf([&] { LoadTokenizer(dir.path()); });
  EXPECT_TRUE(Contains(e, "tokenizer_config.json: eos_token is '<|im_end|>'")) << e;
}

TEST(TokenizerFiles, Gpt2AndQwenStylePreTokenizers) {
  ScratchDir dir("tok-hf-pre");
  const TinyVocab v = HelloVocab();
  json gpt2 = LlamaStyleJson(v, false);
  gpt2["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
  WriteText(dir / "gpt2.json", gpt2.dump());
  auto t = LoadHfTokenizerJson(dir / "gpt2.json");
  EXPECT_EQ(t->options().pre_tokenizer, PreTokenizer::kGpt2);
  EXPECT_TRUE(t->options().add_prefix_space);

  json qwen = LlamaStyleJson(v, false);
  qwen["normalizer"] = {{"type", "NFC"}};
  qwen["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] =
      PreTokenizerPattern(PreTokenizer::kQwen2);
  WriteText(dir / "qwen.json", qwen.dump());
  t = LoadHfTokenizerJson(dir / "qwen.json");
  EXPECT_EQ(t->options().pre_tokenizer, PreTokenizer::kQwen2);
  EXPECT_EQ(t->Encode("12"), (Ids{'1', '2'}));
}

TEST(TokenizerFiles, MalformedTokenizerJson) {
  ScratchDir dir("tok-hf-bad");
  const TinyVocab v = HelloVocab();
  const fs::path path = dir / "tokenizer.json";
  auto error_for = [&](const json& doc) {
    WriteText(path, doc.dump());
    return ErrorOf([&] { LoadHfTokenizerJson(path); });
  };
  auto expect = [&](const json& doc, const std::string& part) {
    const std::string e = error_for(doc);
    EXPECT_TRUE(Contains(e, part)) << "expected '" << part << "' in: " << e;
    EXPECT_TRUE(Contains(e, "tokenizer.json")) << e;
  };
  const json good = LlamaStyleJson(v, false);

  WriteText(path, "{\"model\": {\"type\": \"BPE\",");
  EXPECT_TRUE(Contains(ErrorOf([&] { LoadHfTokenizerJson(path); }), "not valid JSON"));

  json j = good;
  j.erase("model");
  expect(j, "missing 'model'");

  j = good;
  j["model"]["type"] = "WordPiece";
  expect(j, "\"WordPiece\"");

  j = good;
  j["model"].erase("merges");
  expect(j, "missing 'model.merges'");

  j = good;
  j["model"]["merges"][1] = "hello";
  expect(j, "model.merges[1] is \"hello\"");

  j = good;
  j["model"]["merges"][2] = json::array({"a"});
  expect(j, "model.merges[2]");

  j = good;
  j["model"]["merges"][3] = "he zz";
  expect(j, "model.merges[3]");

  j = good;
  j["model"]["vocab"]["hello"] = "259";
  expect(j, "token 'hello' maps to \"259\"");

  j = good;
  j["model"]["vocab"].erase("\u0120");
  expect(j, "0x20");

  j = good;
  j["model"]["byte_fallback"] = true;
  expect(j, "byte_fallback");

  j = good;
  j["model"]["dropout"] = 0.1;
  expect(j, "dropout");

  j = good;
  j["normalizer"] = {{"type", "Lowercase"}};
  expect(j, "normalizer");

  j = good;
  j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "\\w+";
  expect(j, "not one rewardlab implements");

  j = good;
  j["pre_tokenizer"] = {{"type", "Metaspace"}};
  expect(j, "pre_tokenizer {\"type\":\"Metaspace\"} is not supported");

  j = good;
  j["added_tokens"][1]["id"] = j["added_tokens"][0]["id"];
  expect(j, "share id");

  j = good;
  j["added_tokens"][0].erase("content");
  expect(j, "missing 'added_tokens[0].content'");
}

TEST(TokenizerFiles, LoadTokenizerExplainsWhatIsMissing) {
  ScratchDir dir("tok-empty");
  EXPECT_TRUE(Contains(ErrorOf([&] { LoadTokenizer(dir.path()); }), "holds no tokenizer"));
  EXPECT_TRUE(Contains(ErrorOf([&] { LoadTokenizer(dir / "nope"); }), "does not exist"));
}

TEST(TokenizerFiles, AHugeIdCostsOnlyItsOwnEntry) {
  ScratchDir dir("tok-huge-id");
  TinyVocab v = HelloVocab();
  // Sized by the largest id, a table of the vocabulary would take 64 GB for this one token.
  const TokenId huge = (TokenId{1} << 31) - 1;
  v.vocab.emplace_back("\u0120he", huge);
  WriteText(dir / "tokenizer.json", LlamaStyleJson(v, false).dump());
  auto t = LoadHfTokenizerJson(dir / "tokenizer.json");
  EXPECT_EQ(t->vocab_size(), huge + 1);
  EXPECT_EQ(t->IdToToken(huge), "\u0120he");
  EXPECT_EQ(t->Decode(Ids{259, huge}), "hello he");
  EXPECT_EQ(t->IdToToken(265), "");  // a gap below the huge id is no token
  EXPECT_TRUE(Contains(ErrorOf([&] { t->Decode(Ids{265}); }), "cannot decode token id 265"));
  EXPECT_EQ(t->Encode("hello world"), (Ids{259, 264}));
}

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(TokenizerFiles, Gpt2FilesAreFoundWithoutRunningAProgram) {
  ScratchDir dir("tok-gpt2-search");
  WriteGpt2Files(HelloVocab(), dir / "encoder.json", dir / "vocab.bpe");
  // An `npm` first on PATH must never run: it could be any program.
  fs::create_directories(dir / "bin");
  WriteText(dir / "bin" / "npm",
            "#!/bin/sh\ntouch '" + (dir / "npm-ran").string() + "'\necho /nowhere\n");
  fs::permissions(dir / "bin" / "npm", fs::perms::owner_all);
  const char* path = std::getenv("PATH");
  ScopedEnv on_path("PATH", (dir / "bin").string() + ":" + (path ? path : "/usr/bin:/bin"));
  ScopedEnv gpt2_dir("RLAB_GPT2_DIR", dir.path().string());
  EXPECT_EQ(FindGpt2Files(), dir.path());
  EXPECT_EQ(OpenTokenizer("gpt2")->Encode("hello world"), (Ids{259, 264}));
  EXPECT_FALSE(fs::exists(dir / "npm-ran"));
}

}  // namespace
}  // namespace rlab::models
