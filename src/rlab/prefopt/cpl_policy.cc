#include "rlab/prefopt/cpl_policy.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "rlab/core/check.h"
#include "rlab/models/mlp.h"
#include "rlab/rl/categorical_sample.h"

namespace rlab::prefopt {
namespace {

torch::Tensor ObsRows(std::span<const float> obs, int64_t n) {
  const int64_t d = static_cast<int64_t>(obs.size()) / std::max<int64_t>(n, 1);
  return torch::from_blob(const_cast<float*>(obs.data()), {n, d});  // [n, D], not owned
}

class CategoricalCplPolicy final : public CplPolicy {
 public:
  CategoricalCplPolicy(int64_t obs_dim, int64_t actions, const std::vector<int64_t>& hidden)
      : k_(actions), net_(obs_dim, hidden, actions, "tanh") {}

  torch::Tensor LogProb(const torch::Tensor& obs, const torch::Tensor& actions) override {
    const torch::Tensor logp = torch::log_softmax(net_->forward(obs), -1);  // [..., K]
    return logp.gather(-1, actions.to(torch::kLong).clamp(0, k_ - 1)).squeeze(-1);
  }

  void Act(std::span<const float> obs, int64_t n, bool deterministic, Rng& rng,
           std::vector<float>& actions) override {
    torch::NoGradGuard no_grad;
    const torch::Tensor logits = net_->forward(ObsRows(obs, n)).to(torch::kDouble).contiguous();
    const double* z = logits.data_ptr<double>();  // [n, K]
    actions.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      actions[i] = static_cast<float>(rl::SampleCategorical(z + i * k_, k_, deterministic, rng));
    }
  }

  std::shared_ptr<torch::nn::Module> module() override { return net_.ptr(); }

 private:
  int64_t k_;
  models::Mlp net_;
};

class GaussianModuleImpl : public torch::nn::Module {
 public:
  GaussianModuleImpl(int64_t obs_dim, int64_t action_dim, const std::vector<int64_t>& hidden,
                     double init_std)
      : mean(register_module("mean", models::Mlp(obs_dim, hidden, action_dim, "tanh"))),
        log_std(register_parameter("log_std", torch::full({action_dim}, std::log(init_std)))) {}
  models::Mlp mean;
  torch::Tensor log_std;  // [A], in units of the box's half-width
};
TORCH_MODULE(GaussianModule);

class GaussianCplPolicy final : public CplPolicy {
 public:
  GaussianCplPolicy(int64_t obs_dim, const envs::Space& box, const std::vector<int64_t>& hidden,
                    double init_std)
      : a_(box.flat_dim()),
        low_(box.low()),
        high_(box.high()),
        net_(obs_dim, a_, hidden, init_std) {
    std::vector<float> centre(a_), half(a_);
    for (int64_t j = 0; j < a_; ++j) {
      RLAB_CHECK(std::isfinite(low_[j]) && std::isfinite(high_[j]) && high_[j] > low_[j],
                 "cpl: the action box must be bounded, dimension {} is [{}, {}]", j, low_[j],
                 high_[j]);
      centre[j] = 0.5f * (low_[j] + high_[j]);
      half[j] = 0.5f * (high_[j] - low_[j]);
    }
    centre_ = torch::tensor(centre);  // [A]
    half_ = torch::tensor(half);      // [A]
  }

  torch::Tensor LogProb(const torch::Tensor& obs, const torch::Tensor& actions) override {
    const auto [mean, std] = MeanAndStd(obs);  // [..., A] each
    const torch::Tensor z = (actions.to(torch::kFloat) - mean) / std;
    return (-0.5 * z * z - torch::log(std) - 0.5 * std::log(2 * std::numbers::pi)).sum(-1);
  }

  void Act(std::span<const float> obs, int64_t n, bool deterministic, Rng& rng,
           std::vector<float>& actions) override {
    torch::NoGradGuard no_grad;
    const auto [mean_t, std_t] = MeanAndStd(ObsRows(obs, n));
    const torch::Tensor mean = mean_t.contiguous(), std = std_t.expand_as(mean_t).contiguous();
    const float* m = mean.data_ptr<float>();  // [n, A]
    const float* s = std.data_ptr<float>();   // [n, A]
    actions.resize(n * a_);
    for (int64_t i = 0; i < n * a_; ++i) {
      const double x = deterministic ? m[i] : rng.Normal(m[i], s[i]);
      const int64_t j = i % a_;
      actions[i] = std::clamp(static_cast<float>(x), low_[j], high_[j]);
    }
  }

  std::shared_ptr<torch::nn::Module> module() override { return net_.ptr(); }

 private:
  std::pair<torch::Tensor, torch::Tensor> MeanAndStd(const torch::Tensor& obs) {
    const torch::Tensor mean = centre_ + half_ * torch::tanh(net_->mean->forward(obs));
    const torch::Tensor std = half_ * torch::exp(net_->log_std.clamp(-5.0, 1.0));  // [A]
    return {mean, std};
  }

  int64_t a_;
  std::vector<float> low_, high_;
  torch::Tensor centre_, half_;  // [A]
  GaussianModule net_;
};

}  // namespace

std::unique_ptr<CplPolicy> MakeCategoricalCplPolicy(int64_t obs_dim, int64_t actions,
                                                    const std::vector<int64_t>& hidden) {
  return std::make_unique<CategoricalCplPolicy>(obs_dim, actions, hidden);
}

std::unique_ptr<CplPolicy> MakeGaussianCplPolicy(int64_t obs_dim, const envs::Space& box,
                                                 const std::vector<int64_t>& hidden,
                                                 double init_std) {
  return std::make_unique<GaussianCplPolicy>(obs_dim, box, hidden, init_std);
}

}  // namespace rlab::prefopt
