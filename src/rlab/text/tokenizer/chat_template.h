// Chat templates: a conversation rendered as the text a chat model was trained on, written in
// C++ rather than interpreted from the Jinja in tokenizer_config.json. Specs:
//   chatml(default_system="")  <|im_start|>role\ncontent<|im_end|>\n  (Qwen2 and others)
//   llama3(bos=true)           <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>
//   plain                      role: content\n
// With add_generation_prompt the text ends with the opening of an assistant turn.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::models {

struct ChatMessage {
  std::string role;  // "system", "user", "assistant", ...
  std::string content;
};

class ChatTemplate {
 public:
  virtual ~ChatTemplate() = default;
  // Errors on a message with an empty role.
  virtual std::string Render(std::span<const ChatMessage> messages,
                             bool add_generation_prompt) const = 0;
};

using ChatTemplateRegistry = Registry<ChatTemplate>;
ChatTemplateRegistry& ChatTemplates();
// Registers chatml, llama3 and plain (safe to call more than once).
void RegisterChatTemplates();
// Registers the built-in templates if needed, then creates the one `spec` names.
std::unique_ptr<ChatTemplate> MakeChatTemplate(std::string_view spec);

// The template a tokenizer's added tokens point to: "chatml" with <|im_start|>, "llama3" with
// <|start_header_id|>, else "plain".
std::string GuessChatTemplate(const Tokenizer& tokenizer);

}  // namespace rlab::models
