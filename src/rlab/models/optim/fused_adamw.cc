#include "rlab/models/optim/fused_adamw.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/models/kernels/fast_math.h"
#include "rlab/models/optim/flat_adam.h"
#include "rlab/models/kernels/two_core_split.h"

namespace rlab::models {
namespace {

// Elements per task when an update is split over cores.
constexpr int64_t kElementGrain = 1 << 15;

bool TakesFusedUpdate(const torch::Tensor& p) {
  const torch::Tensor& g = p.grad();
  return p.device().is_cpu() && p.scalar_type() == torch::kFloat32 && p.is_contiguous() &&
         g.scalar_type() == torch::kFloat32 && g.is_contiguous() && !g.is_sparse();
}

// Moments as AdamW creates them: contiguous float32 of the parameter's size (a state loaded from
// elsewhere could differ, and then libtorch's step handles it).
bool MomentsFitFusedUpdate(const torch::optim::AdamWParamState& state, const torch::Tensor& p) {
  for (const torch::Tensor& moment : {state.exp_avg(), state.exp_avg_sq()}) {
    if (!moment.defined() || moment.scalar_type() != torch::kFloat32 || !moment.is_contiguous() ||
        moment.numel() != p.numel()) {
      return false;
    }
  }
  return true;
}

void ScaleInPlace(float* x, int64_t n, float factor) {
  for (int64_t i = 0; i < n; ++i) x[i] *= factor;
}

}  // namespace

torch::Tensor FusedAdamW::step(LossClosure closure) {
  for (const auto& group : param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    for (const torch::Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      const auto found = state_.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
      const bool moments_fit =
          found == state_.end() ||
          MomentsFitFusedUpdate(static_cast<const torch::optim::AdamWParamState&>(*found->second),
                                p);
      if (options.amsgrad() || !TakesFusedUpdate(p) || !moments_fit) {
        return AdamW::step(std::move(closure));
      }
    }
  }
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    torch::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    const auto [beta1, beta2] = options.betas();
    for (torch::Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      // The state under AdamW's own key, created as AdamW creates it.
      const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
      auto found = state_.find(key);
      if (found == state_.end()) {
        auto state = std::make_unique<torch::optim::AdamWParamState>();
        state->step(0);
        state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        found = state_.emplace(key, std::move(state)).first;
      }
      auto& state = static_cast<torch::optim::AdamWParamState&>(*found->second);
      state.step(state.step() + 1);
      const auto t = static_cast<double>(state.step());
      const auto step_size = static_cast<float>(options.lr() / (1.0 - std::pow(beta1, t)));
      const auto sqrt_bias2 = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, t)));
      const auto decay = static_cast<float>(1.0 - options.lr() * options.weight_decay());
      float* param = p.data_ptr<float>();
      const float* grad = p.grad().data_ptr<float>();
      float* m = state.exp_avg().data_ptr<float>();
      float* v = state.exp_avg_sq().data_ptr<float>();
      SplitOverCores(p.numel(), kElementGrain, [&](int64_t begin, int64_t end) {
        if (options.weight_decay() != 0) ScaleInPlace(param + begin, end - begin, decay);
        AdamUpdate(param + begin, grad + begin, m + begin, v + begin, end - begin,
                   static_cast<float>(beta1), static_cast<float>(beta2), step_size, sqrt_bias2,
                   static_cast<float>(options.eps()));
      });
    }
  }
  return loss;
}

double ClipGradientNorm(const std::vector<torch::Tensor>& parameters, double max_norm) {
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& p : parameters) {
    if (!p.grad().defined()) continue;
    if (!TakesFusedUpdate(p)) return torch::nn::utils::clip_grad_norm_(parameters, max_norm);
    grads.push_back(p.grad());
  }
  return ClipGradNorm(grads, max_norm);
}

void ClearGradients(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups()) {
    for (torch::Tensor& p : group.params()) p.mutable_grad().reset();
  }
}

}  // namespace rlab::models
