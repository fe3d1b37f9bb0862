#include "rlab/models/optim/flat_adam.h"

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <mutex>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/models/kernels/fast_math.h"
#include "rlab/models/kernels/two_core_split.h"

namespace rlab::models {

FlatAdam::FlatAdam(torch::Tensor params, torch::Tensor grads, AdamSettings settings)
    : params_(std::move(params)),
      grads_(std::move(grads)),
      m_(torch::zeros_like(params_)),
      v_(torch::zeros_like(params_)),
      step_(torch::zeros({}, torch::kLong)),
      settings_(settings) {
  RLAB_CHECK(params_.scalar_type() == torch::kFloat && params_.is_contiguous() &&
                 params_.sizes() == grads_.sizes(),
             "FlatAdam needs contiguous float32 parameters and gradients of the same shape");
  RLAB_CHECK(settings_.lr > 0 && settings_.eps > 0, "Adam needs lr > 0 and eps > 0");
}

void FlatAdam::Step() {
  const int64_t t = step_.item<int64_t>() + 1;
  step_.fill_(t);
  const double b1 = settings_.beta1, b2 = settings_.beta2;
  const double step_size = settings_.lr / (1.0 - std::pow(b1, static_cast<double>(t)));
  const double sqrt_bias2 = std::sqrt(1.0 - std::pow(b2, static_cast<double>(t)));
  AdamUpdate(params_.data_ptr<float>(), grads_.data_ptr<float>(), m_.data_ptr<float>(),
             v_.data_ptr<float>(), params_.numel(), static_cast<float>(b1), static_cast<float>(b2),
             static_cast<float>(step_size), static_cast<float>(sqrt_bias2),
             static_cast<float>(settings_.eps));
}

void FlatAdam::AddTo(CheckpointState& state, const std::string& name) {
  state.AddTensor(name + ".exp_avg", m_);
  state.AddTensor(name + ".exp_avg_sq", v_);
  state.AddTensor(name + ".step", step_);
}

double ClipGradNorm(std::span<const torch::Tensor> grads, double max_norm) {
  constexpr int64_t kGrain = 1 << 15;  // elements per task when split over cores
  // Partial sums by where their range begins, added in that order: the same norm to the last
  // bit however the ranges finish.
  double sum = 0.0;
  for (const torch::Tensor& g : grads) {
    const float* d = g.data_ptr<float>();
    std::map<int64_t, double> parts;
    std::mutex parts_lock;
    SplitOverCores(g.numel(), kGrain, [&](int64_t begin, int64_t end) {
      double part = 0.0;
      for (int64_t i = begin; i < end; ++i) part += static_cast<double>(d[i]) * d[i];
      const std::lock_guard lock(parts_lock);
      parts[begin] = part;
    });
    for (const auto& [begin, part] : parts) sum += part;
  }
  const double norm = std::sqrt(sum);
  const double factor = max_norm / (norm + 1e-6);
  if (factor < 1.0) {
    const float f = static_cast<float>(factor);
    for (const torch::Tensor& g : grads) {
      float* d = g.data_ptr<float>();
      SplitOverCores(g.numel(), kGrain, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) d[i] *= f;
      });
    }
  }
  return norm;
}

}  // namespace rlab::models
