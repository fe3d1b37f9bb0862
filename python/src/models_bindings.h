// The pieces of rewardlab._core.models: tokenizers, language models and reward models, each
// bound in its own file (models_tokenizer.cc, models_language.cc, models_reward.cc) and
// registered by BindModels (bind_models.cc).
#pragma once

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rewardlab_python {

// A tokenizer as Python holds it: shared with the model that owns it (a model's tokenizer
// keeps its model alive and the other way round), with the folder its files come from, so
// that a model saved with it can carry them (empty for the byte tokenizer, which writes its
// own config).
struct TokenizerHandle {
  std::shared_ptr<const rlab::models::Tokenizer> tokenizer;
  std::filesystem::path files_dir;
};

// A language model with where its tokenizer's files come from (the directory it was read
// from, or the tokenizer named when opening it), which `save` copies.
struct LanguageModelHandle {
  rlab::models::LanguageModel lm;
  std::filesystem::path tokenizer_files;
};
using LanguageModelPtr = std::shared_ptr<LanguageModelHandle>;

// A text reward model (or ensemble), likewise with its tokenizer's files.
struct RewardModelHandle {
  std::unique_ptr<rlab::reward::TextRewardModel> model;
  std::filesystem::path tokenizer_files;
};
using RewardModelPtr = std::shared_ptr<RewardModelHandle>;

// Creating fresh weights seeds libtorch's default CPU generator (the one torch.manual_seed
// sets, shared with Python); this keeps its state across the scope, so that making a model
// does not change the caller's later draws.
class KeepDefaultGeneratorState {
 public:
  KeepDefaultGeneratorState();
  ~KeepDefaultGeneratorState();
  KeepDefaultGeneratorState(const KeepDefaultGeneratorState&) = delete;
  KeepDefaultGeneratorState& operator=(const KeepDefaultGeneratorState&) = delete;

 private:
  at::Generator generator_;
  torch::Tensor state_;
};

// Checks that `ids` is a [B, T] int64 tensor of ids below `vocab_size` and that `mask`, when
// defined, has its shape; `what` names the call in the message.
void CheckTokenBatch(const torch::Tensor& ids, const torch::Tensor& mask, int64_t vocab_size,
                     const char* what);

// A state_dict of a module's parameters and buffers: the module's own tensors, not copies.
py::dict ModuleTensors(const torch::nn::Module& module);

void BindTokenizer(py::module_& m);
void BindLanguageModel(py::module_& m);
void BindRewardModel(py::module_& m);

}  // namespace rewardlab_python
