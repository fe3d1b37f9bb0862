// Fuzzing the tokenizer files: Hugging Face tokenizer.json, GPT-2's encoder.json and vocab.bpe,
// and tokenizer_config.json. Each mutant loads or fails with an rlab::Error; a tokenizer that
// loads encodes and decodes text back to the same bytes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

#include "fuzz_support.h"
#include "rlab/text/tokenizer/tokenizer_files.h"
#include "test_support.h"
#include "tiny_vocab.h"

namespace rlab::models {
namespace {

using json = nlohmann::json;
using rlab::testing::Fuzz;
using rlab::testing::ScratchDir;
using rlab::testing::WriteText;
using testing::TinyVocab;

// Bytes, merges for "cat" and "Ġdog", and an end-of-text token.
TinyVocab AnimalVocab() {
  TinyVocab v;
  v.Merge("c", "a");         // 256
  v.Merge("ca", "t");        // 257
  v.Merge("\u0120", "d");    // 258
  v.Merge("o", "g");         // 259
  v.Merge("\u0120d", "og");  // 260
  v.Token("<|endoftext|>");  // 261
  return v;
}

json Vocab(const TinyVocab& v) {
  json vocab = json::object();
  for (const auto& [token, id] : v.vocab) vocab[token] = id;
  return vocab;
}

// A GPT-2-style tokenizer.json (ByteLevel pre-tokenizer with its regex).
std::string TokenizerJson(const TinyVocab& v, bool merges_as_pairs) {
  json merges = json::array();
  for (const auto& [a, b] : v.merges) {
    merges.push_back(merges_as_pairs ? json::array({a, b}) : json(a + " " + b));
  }
  const json doc{
      {"version", "1.0"},
      {"added_tokens",
       json::array({{{"id", 261}, {"content", "<|endoftext|>"}, {"special", true}}})},
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
      {"post_processor", {{"type", "ByteLevel"}}},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model", {{"type", "BPE"}, {"vocab", Vocab(v)}, {"merges", merges}}}};
  return doc.dump(merges_as_pairs ? -1 : 1);
}

const std::vector<std::string> kTokenizerDictionary{"\"model\"",     "\"vocab\"",
                                                    "\"merges\"",    "\"added_tokens\"",
                                                    "\"id\"",        "\"content\"",
                                                    "\"special\"",   "\"pre_tokenizer\"",
                                                    "\"type\"",      "\"BPE\"",
                                                    "\"Split\"",     "\"Sequence\"",
                                                    "\"ByteLevel\"", "\"TemplateProcessing\"",
                                                    "\"NFC\"",       "\"<|endoftext|>\"",
                                                    "\"\\u0120\"",   "134217728",
                                                    "2147483647",    "2147483648"};

// Encoding then decoding must give the text back; a failure is a fault, not a rejection.
void ExpectRoundTrip(const Tokenizer& tokenizer) {
  const std::string text = "cat dog <|endoftext|> caté\xe2\x82\xac 12";
  if (tokenizer.Decode(tokenizer.Encode(text)) != text) {
    throw std::logic_error("the loaded tokenizer does not decode its encoding back to the text");
  }
}

class TokenizerFuzz : public ::testing::Test {
 protected:
  ScratchDir dir_{"tokenizer-fuzz"};
  TinyVocab vocab_ = AnimalVocab();
};

TEST_F(TokenizerFuzz, MutatedTokenizerJsonLoadsOrFailsCleanly) {
  const auto file = dir_ / "tokenizer.json";
  rlab::testing::ExpectNoFaults(
      Fuzz({.name = "tokenizer-json",
            .seeds = {TokenizerJson(vocab_, false), TokenizerJson(vocab_, true)},
            .dictionary = kTokenizerDictionary,
            .openers = {"[", "{\"a\":", "{\"model\":"},
            .cases = 500},
           [&](const std::string& text) {
             WriteText(file, text);
             ExpectRoundTrip(*LoadHfTokenizerJson(file));
           }));
}

TEST_F(TokenizerFuzz, MutatedVocabAndMergesLoadOrFailCleanly) {
  const auto encoder = dir_ / "encoder.json";
  const auto bpe = dir_ / "vocab.bpe";
  std::string merges = "#version: 0.2\n";
  for (const auto& [a, b] : vocab_.merges) merges += a + " " + b + "\n";
  const std::string vocab = Vocab(vocab_).dump();
  // One mutant per case: even cases edit encoder.json, odd ones vocab.bpe.
  rlab::testing::ExpectNoFaults(Fuzz({.name = "gpt2-files",
                                      .seeds = {vocab, merges},
                                      .dictionary = kTokenizerDictionary,
                                      .cases = 500},
                                     [&](const std::string& text) {
                                       const bool is_vocab = !text.empty() && text[0] == '{';
                                       WriteText(encoder, is_vocab ? text : vocab);
                                       WriteText(bpe, is_vocab ? merges : text);
                                       ExpectRoundTrip(*LoadGpt2Tokenizer(encoder, bpe));
                                     }));
}

TEST_F(TokenizerFuzz, MutatedTokenizerConfigAppliesOrFailsCleanly) {
  const auto config = dir_ / "tokenizer_config.json";
  WriteText(dir_ / "tokenizer.json", TokenizerJson(vocab_, false));
  const auto tokenizer = LoadHfTokenizerJson(dir_ / "tokenizer.json");
  rlab::testing::ExpectNoFaults(Fuzz(
      {.name = "tokenizer-config",
       .seeds =
           {R"({"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "pad_token": null})",
            R"({"eos_token": {"content": "<|endoftext|>", "lstrip": false}, "model_max_length": 1024})",
            R"({"tokenizer_class": "RlabByteTokenizer", "added_tokens": ["<pad>", "<bos>", "<eos>"], "bos_token": "<bos>"})"},
       .dictionary = kTokenizerDictionary,
       .cases = 800},
      [&](const std::string& text) {
        WriteText(config, text);
        ApplyTokenizerConfig(config, *tokenizer);
      }));
}

}  // namespace
}  // namespace rlab::models
