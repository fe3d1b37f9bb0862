#include "rlab/text/tokenizer/chat_template.h"

#include "rlab/core/check.h"
#include "rlab/text/tokenizer/unicode.h"

namespace rlab::models {

namespace {

void CheckRoles(std::span<const ChatMessage> messages, std::string_view template_name) {
  for (std::size_t i = 0; i < messages.size(); ++i) {
    RLAB_CHECK(!messages[i].role.empty(), "chat template {}: message {} has an empty role",
               template_name, i);
  }
}

// Python's str.strip(), which the Jinja `trim` filter of the Llama-3 template applies.
std::string Trim(std::string_view text) {
  const std::vector<CodePoint> cps = DecodeUtf8(text);
  std::size_t first = 0, last = cps.size();
  while (first < last && IsSpace(cps[first].value)) ++first;
  while (last > first && IsSpace(cps[last - 1].value)) --last;
  if (first == last) return {};
  const std::size_t begin = cps[first].offset;
  const std::size_t end = cps[last - 1].offset + cps[last - 1].length;
  return std::string(text.substr(begin, end - begin));
}

class ChatMlTemplate : public ChatTemplate {
 public:
  explicit ChatMlTemplate(std::string default_system)
      : default_system_(std::move(default_system)) {}
  std::string Render(std::span<const ChatMessage> messages,
                     bool add_generation_prompt) const override {
    CheckRoles(messages, "chatml");
    std::string out;
    auto turn = [&](std::string_view role, std::string_view content) {
      out += "<|im_start|>";
      out += role;
      out += '\n';
      out += content;
      out += "<|im_end|>\n";
    };
    if (!default_system_.empty() && (messages.empty() || messages[0].role != "system")) {
      turn("system", default_system_);
    }
    for (const ChatMessage& m : messages) turn(m.role, m.content);
    if (add_generation_prompt) out += "<|im_start|>assistant\n";
    return out;
  }

 private:
  std::string default_system_;
};

class Llama3Template : public ChatTemplate {
 public:
  explicit Llama3Template(bool bos) : bos_(bos) {}
  std::string Render(std::span<const ChatMessage> messages,
                     bool add_generation_prompt) const override {
    CheckRoles(messages, "llama3");
    std::string out = bos_ ? "<|begin_of_text|>" : "";
    auto header = [&](std::string_view role) {
      out += "<|start_header_id|>";
      out += role;
      out += "<|end_header_id|>\n\n";
    };
    for (const ChatMessage& m : messages) {
      header(m.role);
      out += Trim(m.content);
      out += "<|eot_id|>";
    }
    if (add_generation_prompt) header("assistant");
    return out;
  }

 private:
  bool bos_;
};

class PlainTemplate : public ChatTemplate {
 public:
  std::string Render(std::span<const ChatMessage> messages,
                     bool add_generation_prompt) const override {
    CheckRoles(messages, "plain");
    std::string out;
    for (const ChatMessage& m : messages) out += fmt::format("{}: {}\n", m.role, m.content);
    if (add_generation_prompt) out += "assistant:";
    return out;
  }
};

}  // namespace

ChatTemplateRegistry& ChatTemplates() {
  static ChatTemplateRegistry registry("chat template");
  return registry;
}

void RegisterChatTemplates() {
  ChatTemplateRegistry& r = ChatTemplates();
  if (!RegisterOnce(r)) return;
  r.Register({"chatml",
              "<|im_start|>role\\ncontent<|im_end|>\\n turns (Qwen2 and other ChatML models)",
              {{"default_system", "", "system message put first when the conversation has none"}},
              [](const SpecArgs& a) -> std::unique_ptr<ChatTemplate> {
                return std::make_unique<ChatMlTemplate>(a.Get<std::string>("default_system"));
              }});
  r.Register({"llama3",
              "<|start_header_id|>role<|end_header_id|>\\n\\ncontent<|eot_id|> turns (Llama-3 "
              "instruct models; contents are trimmed)",
              {{"bos", "true", "start with <|begin_of_text|>"}},
              [](const SpecArgs& a) -> std::unique_ptr<ChatTemplate> {
                return std::make_unique<Llama3Template>(a.Get<bool>("bos"));
              }});
  r.Register({"plain",
              "role: content lines, for models without a chat format",
              {},
              [](const SpecArgs&) -> std::unique_ptr<ChatTemplate> {
                return std::make_unique<PlainTemplate>();
              }});
}

std::unique_ptr<ChatTemplate> MakeChatTemplate(std::string_view spec) {
  RegisterChatTemplates();
  return ChatTemplates().Create(spec);
}

std::string GuessChatTemplate(const Tokenizer& tokenizer) {
  if (tokenizer.AddedTokenId("<|im_start|>")) return "chatml";
  if (tokenizer.AddedTokenId("<|start_header_id|>")) return "llama3";
  return "plain";
}

}  // namespace rlab::models
