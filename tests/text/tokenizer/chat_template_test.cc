#include "rlab/text/tokenizer/chat_template.h"

#include <gtest/gtest.h>

#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "test_support.h"

namespace rlab::models {
namespace {

using rlab::testing::ErrorOf;

const std::vector<ChatMessage> kConversation = {{"system", "Be brief."},
                                                {"user", "What is 2+2?"},
                                                {"assistant", "4"},
                                                {"user", " And 3+3? \n"}};

TEST(ChatTemplate, ChatMl) {
  const auto t = MakeChatTemplate("chatml");
  EXPECT_EQ(t->Render(kConversation, false), "<|im_start|>system\nBe brief.<|im_end|>\n"
                                             "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                                             "<|im_start|>assistant\n4<|im_end|>\n"
                                             "<|im_start|>user\n And 3+3? \n<|im_end|>\n");
  const std::vector<ChatMessage> question = {{"user", "Hi"}};
  EXPECT_EQ(t->Render(question, true), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  const auto qwen = MakeChatTemplate("chatml(default_system=\"You are a helpful assistant.\")");
  EXPECT_EQ(qwen->Render(question, true),
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  // A conversation with its own system message keeps it alone.
  EXPECT_EQ(qwen->Render(kConversation, false), t->Render(kConversation, false));
}

TEST(ChatTemplate, Llama3) {
  const auto t = MakeChatTemplate("llama3");
  EXPECT_EQ(t->Render(kConversation, true),
            "<|begin_of_text|>"
            "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  const std::vector<ChatMessage> question = {{"user", "Hi"}};
  EXPECT_EQ(MakeChatTemplate("llama3(bos=false)")->Render(question, false),
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
}

TEST(ChatTemplate, Plain) {
  const auto t = MakeChatTemplate("plain");
  const std::vector<ChatMessage> question = {{"user", "2+2?"}};
  EXPECT_EQ(t->Render(question, true), "user: 2+2?\nassistant:");
  EXPECT_EQ(t->Render({}, false), "");
}

TEST(ChatTemplate, Errors) {
  EXPECT_NE(ErrorOf([] { MakeChatTemplate("jinja"); }).find("chatml, llama3, plain"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { MakeChatTemplate("plain(x=1)"); }), "");
  const std::vector<ChatMessage> no_role = {{"", "hi"}};
  EXPECT_NE(ErrorOf([&] { MakeChatTemplate("chatml")->Render(no_role, false); }).find("empty role"),
            std::string::npos);
}

TEST(ChatTemplate, GuessFromAddedTokens) {
  EXPECT_EQ(GuessChatTemplate(ByteTokenizer()), "plain");
  EXPECT_EQ(GuessChatTemplate(ByteTokenizer(
                ByteTokenizerOptions{.special_tokens = {"<|im_start|>", "<|im_end|>"}})),
            "chatml");
  EXPECT_EQ(GuessChatTemplate(ByteTokenizer(ByteTokenizerOptions{
                .special_tokens = {"<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"}})),
            "llama3");
  // Rendered text encodes the markers as single tokens.
  const ByteTokenizer t(ByteTokenizerOptions{.special_tokens = {"<|im_start|>", "<|im_end|>"}});
  const std::vector<ChatMessage> question = {{"user", "hi"}};
  const std::vector<TokenId> ids = t.Encode(MakeChatTemplate("chatml")->Render(question, true));
  EXPECT_EQ(ids.front(), 256);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 257), 1);
}

}  // namespace
}  // namespace rlab::models
