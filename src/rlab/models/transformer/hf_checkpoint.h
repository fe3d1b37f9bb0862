// Transformers in the Hugging Face checkpoint layout: a directory holding config.json and
// model.safetensors, with Hugging Face's parameter names for GPT-2 (GPT2LMHeadModel, with or
// without the "transformer." prefix) and Llama (LlamaForCausalLM).
#pragma once

#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

// Copies checkpoint tensors, keyed by their Hugging Face names, into `model`, converting
// floating dtypes to the model's. A missing tensor, an unknown one, or one whose shape differs
// from what the config implies is an error naming the tensor and `source`. Buffers that
// Hugging Face sometimes stores (GPT-2's attn.bias / attn.masked_bias, Llama's
// rotary_emb.inv_freq) and a tied lm_head.weight are skipped.
void LoadHfTensors(Transformer& model, const std::map<std::string, torch::Tensor>& tensors,
                   std::string_view source);

// The tensors of DIR/model.safetensors, or of the shards that DIR/model.safetensors.index.json
// lists (Hugging Face's layout for large models), as float32 under their stored names.
std::map<std::string, torch::Tensor> ReadHfWeights(const std::filesystem::path& dir);

// Reads DIR/config.json and DIR's weights (any floating dtype, loaded as float32).
Transformer LoadHfTransformer(const std::filesystem::path& dir);

// The tensors as Hugging Face stores them: GPT-2 names with the "transformer." prefix and
// Conv1D weights as [in, out]; no lm_head.weight when it is tied.
std::map<std::string, torch::Tensor> HfTensorsForSave(const Transformer& model);

// Writes DIR/config.json and DIR/model.safetensors (float32), each atomically; creates DIR.
void SaveHfTransformer(const Transformer& model, const std::filesystem::path& dir);

}  // namespace rlab::models
