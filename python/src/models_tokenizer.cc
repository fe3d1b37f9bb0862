// rewardlab._core.models.Tokenizer: a tokenizer by name or path, as `rlab tokenize` opens it.
#include <Python.h>

#include <string>
#include <utility>
#include <vector>

#include "models_bindings.h"
#include "rlab/core/check.h"
#include "rlab/text/tokenizer/chat_template.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/text/tokenizer/named_tokenizer.h"

namespace rewardlab_python {

// This file's helpers, in a namespace of their own: the module's files compile as one unity
// translation unit.
namespace models_tokenizer_detail {

namespace rm = rlab::models;

// Text as Python sees it: a cut through a multi-byte character becomes U+FFFD.
py::str Utf8Text(const std::string& bytes) {
  PyObject* text =
      PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()), "replace");
  if (text == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(text);
}

std::string RenderChat(const rm::Tokenizer& tokenizer,
                       const std::vector<std::pair<std::string, std::string>>& messages,
                       bool add_generation_prompt, const std::string& chat_template) {
  std::vector<rm::ChatMessage> chat;
  for (const auto& [role, content] : messages) chat.push_back({role, content});
  const std::string spec =
      chat_template == "auto" ? rm::GuessChatTemplate(tokenizer) : chat_template;
  return rm::MakeChatTemplate(spec)->Render(chat, add_generation_prompt);
}

}  // namespace models_tokenizer_detail

void BindTokenizer(py::module_& m) {
  using namespace models_tokenizer_detail;
  py::class_<TokenizerHandle>(m, "Tokenizer",
                              "Text to token ids and back, with the special tokens BOS, EOS "
                              "and PAD.")
      .def(py::init([](const std::string& name_or_path) {
             return TokenizerHandle{rm::OpenTokenizer(name_or_path),
                                    rm::TokenizerFilesDir(name_or_path)};
           }),
           py::arg("name_or_path"),
           "Opens 'byte', 'gpt2', a model or tokenizer directory, or a tokenizer.json.")
      .def(
          "encode",
          [](const TokenizerHandle& t, const std::string& text, bool add_bos) {
            return add_bos ? t.tokenizer->EncodeWithBos(text) : t.tokenizer->Encode(text);
          },
          py::arg("text"), py::arg("add_bos") = false,
          "The token ids of `text` (special tokens written in it become their ids); BOS first "
          "when add_bos.")
      .def(
          "decode",
          [](const TokenizerHandle& t, const std::vector<int64_t>& ids, bool skip_special) {
            return Utf8Text(t.tokenizer->Decode(ids, skip_special));
          },
          py::arg("ids"), py::arg("skip_special_tokens") = false,
          "The text of `ids`; special tokens left out when skip_special_tokens.")
      .def(
          "is_special",
          [](const TokenizerHandle& t, int64_t id) { return t.tokenizer->IsSpecial(id); },
          py::arg("id"), "Whether `id` is an added (special) token.")
      .def(
          "token_id",
          [](const TokenizerHandle& t, const std::string& content) {
            return t.tokenizer->RequireAddedToken(content);
          },
          py::arg("content"), "The id of the added token written `content`.")
      .def(
          "apply_chat_template",
          [](const TokenizerHandle& t,
             const std::vector<std::pair<std::string, std::string>>& messages,
             bool add_generation_prompt, const std::string& chat_template) {
            return RenderChat(*t.tokenizer, messages, add_generation_prompt, chat_template);
          },
          py::arg("messages"), py::arg("add_generation_prompt") = false,
          py::arg("chat_template") = "auto",
          "The conversation [(role, content), ...] rendered as chat text ('chatml', "
          "'llama3', 'plain', or 'auto' from the tokenizer's special tokens).")
      .def(
          "save",
          [](const TokenizerHandle& t, const std::filesystem::path& dir) {
            std::filesystem::create_directories(dir);
            rm::SaveTokenizerFiles(t.tokenizer.get(), t.files_dir, dir);
          },
          py::arg("directory"), "Writes the tokenizer's files into `directory`.")
      .def_property_readonly("vocab_size",
                             [](const TokenizerHandle& t) { return t.tokenizer->vocab_size(); })
      .def_property_readonly("bos_token_id",
                             [](const TokenizerHandle& t) { return t.tokenizer->bos_id(); })
      .def_property_readonly("eos_token_id",
                             [](const TokenizerHandle& t) { return t.tokenizer->eos_id(); })
      .def_property_readonly("pad_token_id",
                             [](const TokenizerHandle& t) { return t.tokenizer->pad_id(); })
      .def("describe", [](const TokenizerHandle& t) { return t.tokenizer->Describe(); });
}

}  // namespace rewardlab_python
