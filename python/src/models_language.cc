// rewardlab._core.models.LanguageModel and Generation: a causal language model opened from a
// Hugging Face directory or a preset (as `rlab generate` opens it), its logits and token
// log-probabilities on token tensors, and batched generation with log-probs.
#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models_bindings.h"
#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/models/generation/completion_logprobs.h"
#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/models/transformer/token_logprobs.h"
#include "rlab/text/tokenizer/named_tokenizer.h"

namespace rewardlab_python {

// This file's helpers, in a namespace of their own: the module's files compile as one unity
// translation unit.
namespace models_language_detail {

namespace rm = rlab::models;
namespace fs = std::filesystem;

LanguageModelPtr OpenModel(const std::string& spec, uint64_t seed,
                           const std::optional<std::string>& tokenizer) {
  auto handle = std::make_shared<LanguageModelHandle>();
  {
    KeepDefaultGeneratorState keep;
    // The seed `rlab generate --seed` derives, so that the same seed gives the same weights.
    handle->lm = rm::OpenLanguageModel(spec, rlab::DeriveSeed(seed, "init"),
                                       tokenizer ? rm::OpenTokenizer(*tokenizer) : nullptr);
  }
  handle->lm.model->eval();
  if (tokenizer) {
    handle->tokenizer_files = rm::TokenizerFilesDir(*tokenizer);
  } else if (!handle->lm.source_dir.empty()) {
    handle->tokenizer_files = handle->lm.source_dir;
  }
  return handle;
}

// input_ids [B, T], attention_mask [B, T] or None -> logits [B, T, V], under the caller's
// grad mode (torch.no_grad() for inference).
torch::Tensor Logits(LanguageModelHandle& h, const torch::Tensor& ids, const torch::Tensor& mask) {
  CheckTokenBatch(ids, mask, h.lm.model->config().vocab_size, "LanguageModel.forward");
  return h.lm.model->forward(ids, mask);
}

struct GenerateArgs {
  std::vector<std::vector<int64_t>> prompts;
  int64_t max_new_tokens;
  double temperature;
  int64_t top_k;
  double top_p;
  std::optional<std::vector<int64_t>> stop_token_ids;
  std::optional<int64_t> pad_token_id;
  uint64_t seed;
  bool use_cache;
};

rm::GenerationOutput Generate(LanguageModelHandle& h, const GenerateArgs& a) {
  RLAB_CHECK(!a.prompts.empty(), "LanguageModel.generate: give at least one prompt");
  const int64_t vocab = h.lm.model->config().vocab_size;
  for (std::size_t b = 0; b < a.prompts.size(); ++b) {
    RLAB_CHECK(!a.prompts[b].empty(), "LanguageModel.generate: prompt {} has no tokens", b);
    for (int64_t id : a.prompts[b]) {
      RLAB_CHECK(id >= 0 && id < vocab,
                 "LanguageModel.generate: prompt {} holds token id {}, outside the model's "
                 "vocabulary 0..{}",
                 b, id, vocab - 1);
    }
  }
  const rm::Tokenizer* tok = h.lm.tokenizer.get();
  rm::GenerationOptions options;
  options.max_new_tokens = a.max_new_tokens;
  options.sampling = {.temperature = a.temperature, .top_k = a.top_k, .top_p = a.top_p};
  options.use_cache = a.use_cache;
  if (a.stop_token_ids) {
    options.stop_token_ids = *a.stop_token_ids;
  } else if (tok && tok->eos_id()) {
    options.stop_token_ids = {*tok->eos_id()};
  }
  if (a.pad_token_id) {
    options.pad_token_id = *a.pad_token_id;
  } else if (tok) {
    options.pad_token_id = tok->pad_id().value_or(tok->eos_id().value_or(0));
  }
  options.Validate();
  at::Generator generator = rm::MakeGenerator(rlab::DeriveSeed(a.seed, "generate"));
  return rm::Generate(h.lm.model, a.prompts, options, generator);
}

void BindGeneration(py::module_& m) {
  py::class_<rm::GenerationOutput>(
      m, "Generation",
      "What LanguageModel.generate returns: the left-padded prompts, the generated tokens "
      "and their log-probabilities (tensors held by rewardlab, not copies).")
      .def_property_readonly(
          "prompt_ids", [](const rm::GenerationOutput& g) { return g.prompts.ids; },
          "[B, P] int64 prompts, left-padded")
      .def_property_readonly(
          "prompt_mask", [](const rm::GenerationOutput& g) { return g.prompts.mask; },
          "[B, P] int64, 1 for real prompt tokens")
      .def_readonly("tokens", &rm::GenerationOutput::tokens,
                    "[B, N] int64 generated ids (pad after a row stopped)")
      .def_readonly("logprobs", &rm::GenerationOutput::logprobs,
                    "[B, N] float log p(token | prefix) under softmax(logits / temperature); 0 "
                    "where mask is 0")
      .def_readonly("mask", &rm::GenerationOutput::mask,
                    "[B, N] int64, 1 for generated tokens (a stop token included)")
      .def("completions", &rm::GenerationOutput::Completions,
           "Each row's generated ids without padding (its stop token, if any, last).");
}

}  // namespace models_language_detail

void BindLanguageModel(py::module_& m) {
  using namespace models_language_detail;
  BindGeneration(m);
  py::class_<LanguageModelHandle, LanguageModelPtr>(
      m, "LanguageModel", "A causal language model (GPT-2 or Llama layout) with its tokenizer.")
      .def(py::init(&OpenModel), py::arg("path_or_preset"), py::arg("seed") = 0,
           py::arg("tokenizer") = std::nullopt,
           "A Hugging Face model directory, or a preset ('tiny', 'small', 'medium', or "
           "'preset:NAME') with fresh weights drawn from `seed`.")
      .def(
          "save",
          [](const LanguageModelHandle& h, const fs::path& dir) {
            rm::SaveHfTransformer(h.lm.model, dir);
            rm::SaveTokenizerFiles(h.lm.tokenizer.get(), h.tokenizer_files, dir);
          },
          py::arg("directory"), py::call_guard<py::gil_scoped_release>(),
          "Writes config.json, model.safetensors and the tokenizer's files into `directory`.")
      .def(
          "forward",
          [](LanguageModelHandle& h, const torch::Tensor& ids,
             const std::optional<torch::Tensor>& mask) {
            return Logits(h, ids, mask.value_or(torch::Tensor()));
          },
          py::arg("input_ids"), py::arg("attention_mask") = std::nullopt,
          py::call_guard<py::gil_scoped_release>(),
          "input_ids [B, T] int64 (attention_mask [B, T], 1 = real, left or right padding) "
          "-> logits [B, T, V] float.")
      .def(
          "token_logprobs",
          [](LanguageModelHandle& h, const torch::Tensor& ids,
             const std::optional<torch::Tensor>& mask) {
            return rm::NextTokenLogProbs(Logits(h, ids, mask.value_or(torch::Tensor())), ids);
          },
          py::arg("input_ids"), py::arg("attention_mask") = std::nullopt,
          py::call_guard<py::gil_scoped_release>(),
          "[B, T-1]: entry t is log p(input_ids[:, t+1] | input_ids[:, <=t]).")
      .def(
          "completion_logprobs",
          [](LanguageModelHandle& h, const torch::Tensor& prompt_ids,
             const torch::Tensor& prompt_mask, const torch::Tensor& tokens,
             const torch::Tensor& mask, double temperature) {
            const int64_t vocab = h.lm.model->config().vocab_size;
            CheckTokenBatch(prompt_ids, prompt_mask, vocab, "LanguageModel.completion_logprobs");
            CheckTokenBatch(tokens, mask, vocab, "LanguageModel.completion_logprobs");
            RLAB_CHECK(prompt_ids.size(0) == tokens.size(0),
                       "LanguageModel.completion_logprobs: {} prompts for {} completions",
                       prompt_ids.size(0), tokens.size(0));
            rm::GenerationOutput out;
            out.prompts = {prompt_ids, prompt_mask};
            out.tokens = tokens;
            out.mask = mask;
            return rm::CompletionLogProbs(h.lm.model, out, temperature);
          },
          py::arg("prompt_ids"), py::arg("prompt_mask"), py::arg("completion_ids"),
          py::arg("completion_mask"), py::arg("temperature") = 1.0,
          py::call_guard<py::gil_scoped_release>(),
          "Teacher-forced log-probs of completions after left-padded prompts: [B, N], 0 where "
          "completion_mask is 0.")
      .def(
          "generate",
          [](LanguageModelHandle& h, std::vector<std::vector<int64_t>> prompts,
             int64_t max_new_tokens, double temperature, int64_t top_k, double top_p,
             std::optional<std::vector<int64_t>> stop_token_ids,
             std::optional<int64_t> pad_token_id, uint64_t seed, bool use_cache) {
            return Generate(h, {std::move(prompts), max_new_tokens, temperature, top_k, top_p,
                                std::move(stop_token_ids), pad_token_id, seed, use_cache});
          },
          py::arg("prompts"), py::arg("max_new_tokens") = 64, py::arg("temperature") = 1.0,
          py::arg("top_k") = 0, py::arg("top_p") = 1.0, py::arg("stop_token_ids") = std::nullopt,
          py::arg("pad_token_id") = std::nullopt, py::arg("seed") = 0, py::arg("use_cache") = true,
          py::call_guard<py::gil_scoped_release>(),
          "Samples completions of token-id prompts in one batch (temperature 0 = greedy).")
      .def_property_readonly(
          "tokenizer",
          [](const LanguageModelPtr& self) -> std::optional<TokenizerHandle> {
            if (!self->lm.tokenizer) return std::nullopt;
            return TokenizerHandle{
                std::shared_ptr<const rm::Tokenizer>(self, self->lm.tokenizer.get()),
                self->tokenizer_files};
          },
          "The model's tokenizer (None when its directory has none).")
      .def(
          "state_dict", [](const LanguageModelHandle& h) { return ModuleTensors(*h.lm.model); },
          "The model's parameters by name: its own tensors (an in-place change changes the "
          "model).")
      .def_property_readonly(
          "config_json",
          [](const LanguageModelHandle& h) {
            return rm::TransformerConfigToJson(h.lm.model->config()).dump();
          },
          "The Hugging Face config.json of the model, as text.")
      .def("describe", [](const LanguageModelHandle& h) { return h.lm.Describe(); });
}

}  // namespace rewardlab_python
