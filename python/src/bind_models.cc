// rewardlab._core.models (see bindings.h for the conventions, models_bindings.h for the parts).
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/nn/module.h>

#include <mutex>

#include "bindings.h"
#include "models_bindings.h"
#include "rlab/core/check.h"
#include "rlab/models/transformer/presets.h"

namespace rewardlab_python {

KeepDefaultGeneratorState::KeepDefaultGeneratorState()
    : generator_(at::detail::getDefaultCPUGenerator()) {
  std::lock_guard<std::mutex> lock(generator_.mutex());
  state_ = generator_.get_state();
}

KeepDefaultGeneratorState::~KeepDefaultGeneratorState() {
  std::lock_guard<std::mutex> lock(generator_.mutex());
  generator_.set_state(state_);
}

void CheckTokenBatch(const torch::Tensor& ids, const torch::Tensor& mask, int64_t vocab_size,
                     const char* what) {
  RLAB_CHECK(ids.defined() && ids.dim() == 2 && ids.scalar_type() == torch::kInt64,
             "{}: input_ids must be a [batch, length] int64 tensor (got {}-d {})", what,
             ids.defined() ? ids.dim() : 0,
             ids.defined() ? std::string(c10::toString(ids.scalar_type())) : "None");
  RLAB_CHECK(ids.size(1) > 0, "{}: input_ids has no tokens", what);
  if (ids.numel() > 0) {
    const auto [lo, hi] = torch::aminmax(ids);
    RLAB_CHECK(lo.item<int64_t>() >= 0 && hi.item<int64_t>() < vocab_size,
               "{}: input_ids holds ids from {} to {}, outside the model's vocabulary 0..{}", what,
               lo.item<int64_t>(), hi.item<int64_t>(), vocab_size - 1);
  }
  if (mask.defined()) {
    RLAB_CHECK(mask.sizes() == ids.sizes(),
               "{}: attention_mask has shape {} but input_ids has {}; give one mask entry per "
               "token (1 = real, 0 = padding)",
               what, c10::str(mask.sizes()), c10::str(ids.sizes()));
  }
}

py::dict ModuleTensors(const torch::nn::Module& module) {
  py::dict out;
  for (const auto& item : module.named_parameters()) out[py::str(item.key())] = item.value();
  for (const auto& item : module.named_buffers()) out[py::str(item.key())] = item.value();
  return out;
}

void BindModels(py::module_& m) {
  m.def(
      "presets",
      [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& p : rlab::models::ModelPresets()) out.emplace_back(p.name, p.description);
        return out;
      },
      "The model presets (name, description): small Llama shapes with fresh weights.");
  m.def(
      "_tensor_data_ptr",
      [](const torch::Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.data_ptr()); },
      py::arg("tensor"),
      "The address of a tensor's data as the C++ side receives it (for checking that a "
      "tensor crosses without a copy).");
  m.def(
      "_tensor_identity", [](const torch::Tensor& t) { return t; }, py::arg("tensor"),
      "The tensor handed back from C++ (for checking that a tensor returns without a copy).");
  BindTokenizer(m);
  BindLanguageModel(m);
  BindRewardModel(m);
}

}  // namespace rewardlab_python
