#include "rlab/text/tokenizer/bpe_tokenizer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test_support.h"
#include "tiny_vocab.h"

namespace rlab::models {
namespace {

using Ids = std::vector<TokenId>;
using rlab::testing::ErrorOf;
using testing::TinyVocab;

BpeTokenizer Make(const TinyVocab& v, BpeOptions options = {}, std::vector<AddedToken> added = {}) {
  return BpeTokenizer(v.vocab, v.merges, std::move(added), options, BpeSource{"vocab", "merges"});
}

// "hello" and " world" built up by merges; ids from 256 in merge order.
struct HelloWorld : TinyVocab {
  TokenId he, ll, hell, hello, G_w, or_, G_wor, G_worl, G_world;
  HelloWorld() {
    he = Merge("h", "e");
    ll = Merge("l", "l");
    hell = Merge("he", "ll");
    hello = Merge("hell", "o");
    G_w = Merge("\u0120", "w");  // "Ġ" is the space byte
    or_ = Merge("o", "r");
    G_wor = Merge("\u0120w", "or");
    G_worl = Merge("\u0120wor", "l");
    G_world = Merge("\u0120worl", "d");
  }
};

TEST(Bpe, HandCheckedMerges) {
  const HelloWorld v;
  const BpeTokenizer t = Make(v);
  EXPECT_EQ(t.vocab_size(), 256 + 9);
  EXPECT_EQ(t.Encode("hello world"), (Ids{v.hello, v.G_world}));
  EXPECT_EQ(t.Encode("hell"), (Ids{v.hell}));
  EXPECT_EQ(t.Encode("hellow"), (Ids{v.hello, 'w'}));
  EXPECT_EQ(t.Encode("help"), (Ids{v.he, 'l', 'p'}));
  EXPECT_EQ(t.Encode(" worlds"), (Ids{v.G_world, 's'}));
  // "or" merges inside "world" only through the merges that lead there.
  EXPECT_EQ(t.Encode("world"), (Ids{'w', v.or_, 'l', 'd'}));
  EXPECT_EQ(t.Encode(""), Ids{});
  EXPECT_EQ(t.Decode(Ids{v.hello, v.G_world}), "hello world");
  EXPECT_EQ(t.IdToToken(v.G_world), "\u0120world");
  EXPECT_EQ(t.TokenToId("\u0120world"), v.G_world);
}

TEST(Bpe, LowestRankMergesFirst) {
  TinyVocab low_bc;
  const TokenId bc = low_bc.Merge("b", "c");
  low_bc.Merge("a", "b");
  EXPECT_EQ(Make(low_bc).Encode("abc"), (Ids{'a', bc}));

  TinyVocab low_ab;
  const TokenId ab = low_ab.Merge("a", "b");
  low_ab.Merge("b", "c");
  EXPECT_EQ(Make(low_ab).Encode("abc"), (Ids{ab, 'c'}));
}

TEST(Bpe, MergesEveryOccurrenceLeftToRight) {
  TinyVocab v;
  const TokenId aa = v.Merge("a", "a");
  EXPECT_EQ(Make(v).Encode("aaaaa"), (Ids{aa, aa, 'a'}));
  const TokenId aaaa = v.Merge("aa", "aa");
  EXPECT_EQ(Make(v).Encode("aaaaa"), (Ids{aaaa, 'a'}));
  EXPECT_EQ(Make(v).Encode("aaaaaaaaa"), (Ids{aaaa, aaaa, 'a'}));
}

TEST(Bpe, MergesNeverCrossPreTokens) {
  TinyVocab v;
  v.Merge("a", "\u0120");  // "a " would need a merge across a word boundary
  const TokenId G_b = v.Merge("\u0120", "b");
  EXPECT_EQ(Make(v).Encode("a b"), (Ids{'a', G_b}));
}

TEST(Bpe, IgnoreMergesTakesWholeVocabularyTokens) {
  TinyVocab v;
  const TokenId abc = v.Token("abc");  // no merges lead to it
  EXPECT_EQ(Make(v).Encode("abc"), (Ids{'a', 'b', 'c'}));
  EXPECT_EQ(Make(v, BpeOptions{.ignore_merges = true}).Encode("abc"), (Ids{abc}));
}

TEST(Bpe, AddPrefixSpace) {
  const HelloWorld v;
  const BpeTokenizer t = Make(v, BpeOptions{.add_prefix_space = true});
  EXPECT_EQ(t.Encode("world"), (Ids{v.G_world}));
  EXPECT_EQ(t.Encode(" world"), (Ids{v.G_world}));
}

TEST(Bpe, AddedTokensAreCutOutFirst) {
  const HelloWorld v;
  const BpeTokenizer t = Make(v, {},
                              {AddedToken{.content = "<|end|>", .id = 300},
                               AddedToken{.content = "<|end|>x", .id = 301, .special = false}});
  EXPECT_EQ(t.vocab_size(), 302);
  EXPECT_EQ(t.Encode("hello<|end|> world"), (Ids{v.hello, 300, v.G_world}));
  EXPECT_EQ(t.Encode("<|end|>x<|end|>"), (Ids{301, 300}));  // longest match wins
  // EncodeOrdinary reads the markers as text.
  const Ids plain = t.EncodeOrdinary("<|end|>");
  EXPECT_EQ(plain.size(), 7u);
  EXPECT_EQ(t.Decode(plain), "<|end|>");
  EXPECT_EQ(t.Decode(Ids{v.hello, 300, 301}), "hello<|end|><|end|>x");
  EXPECT_EQ(t.Decode(Ids{v.hello, 300, 301}, /*skip_special=*/true), "hello<|end|>x");
  EXPECT_TRUE(t.IsSpecial(300));
  EXPECT_FALSE(t.IsSpecial(301));
  EXPECT_FALSE(t.IsSpecial(v.hello));
  EXPECT_EQ(t.RequireAddedToken("<|end|>"), 300);
  EXPECT_NE(ErrorOf([&] { t.RequireAddedToken("<|eot|>"); }).find("<|end|>"), std::string::npos);
}

TEST(Bpe, AddedTokenStripAndSingleWord) {
  const HelloWorld v;
  const BpeTokenizer t =
      Make(v, {},
           {AddedToken{.content = "<m>", .id = 300, .lstrip = true, .rstrip = true},
            AddedToken{.content = "ab", .id = 301, .single_word = true}});
  EXPECT_EQ(t.Encode("hello  <m>\n world"), (Ids{v.hello, 300, 'w', v.or_, 'l', 'd'}));
  EXPECT_EQ(t.Encode("ab"), (Ids{301}));
  EXPECT_EQ(t.Encode("x ab."), (Ids{'x', ' ', 301, '.'}));
  EXPECT_EQ(t.Encode("cab"), (Ids{'c', 'a', 'b'}));
  EXPECT_EQ(t.Encode("ab_"), (Ids{'a', 'b', '_'}));
}

TEST(Bpe, RoundTripsArbitraryBytes) {
  const HelloWorld v;
  const BpeTokenizer t = Make(v);
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (const std::string& s :
       {all, std::string("hello \xFF\xFE world\x80"), std::string("\0a\0", 3)}) {
    EXPECT_EQ(t.Decode(t.Encode(s)), s);
  }
}

TEST(Bpe, DecodeRejectsUnknownIds) {
  const BpeTokenizer t = Make(HelloWorld{});
  const std::string error = ErrorOf([&] { t.Decode(Ids{'a', 9999}); });
  EXPECT_NE(error.find("9999"), std::string::npos) << error;
  EXPECT_NE(error.find("position 1"), std::string::npos) << error;
  EXPECT_NE(ErrorOf([&] { t.Decode(Ids{-1}); }), "");
}

TEST(Bpe, RejectsBrokenVocabularies) {
  TinyVocab missing_byte;
  missing_byte.vocab.erase(missing_byte.vocab.begin() + 'q');
  EXPECT_NE(ErrorOf([&] { Make(missing_byte); }).find("0x71"), std::string::npos);

  TinyVocab bad_merge;
  bad_merge.merges.emplace_back("x", "yz");
  const std::string merge_error = ErrorOf([&] { Make(bad_merge); });
  EXPECT_NE(merge_error.find("merges[0]"), std::string::npos) << merge_error;
  EXPECT_NE(merge_error.find("'yz'"), std::string::npos) << merge_error;

  TinyVocab shared_id;
  shared_id.vocab.emplace_back("zz", 5);
  EXPECT_NE(ErrorOf([&] { Make(shared_id); }).find("share id 5"), std::string::npos);

  TinyVocab not_byte_level;
  not_byte_level.Token("\xE4\xB8\xAD");  // 中 cannot be the form of any bytes
  EXPECT_NE(ErrorOf([&] { Make(not_byte_level); }).find("byte-level"), std::string::npos);
}

TEST(Bpe, EncodesConcurrently) {
  const HelloWorld v;
  const BpeTokenizer t = Make(v);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (t.Encode("hello world " + std::to_string(i % 50)).front() != v.hello) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace rlab::models
