// `bco_pair`: binary classifier optimisation on pairs (Jung et al., "Binary Classifier
// Optimization for Large Language Model Alignment", arXiv:2404.04656): a logistic classifier
// whose logit is the implicit reward, chosen completions labelled 1 and rejected ones 0, both
// shifted by delta, the running mean of the rewards:
//   -log sigmoid(a - delta) - log sigmoid(-(b - delta)),
//   a = beta (log pi - log ref)(y_c), b = beta (log pi - log ref)(y_r).
// As in TRL's DPOTrainer up to its 0.2x releases (its RunningMoments), delta is the mean over
// all training batches so far, this one included, of each batch's mean of the 2B rewards: it is
// updated before it is used, on batches scored with gradients (training steps); evaluation
// passes read it without moving it. TRL's rewritten trainer dropped the shift (delta = 0):
// bco_pair(running_mean=false) is that form. The mean and the batch count live in one
// float64 tensor [2] that AddStateTo puts into checkpoints, so a resumed run continues the
// same mean.
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

namespace {

class BinaryClassifierPairs : public DpoLoss {
 public:
  BinaryClassifierPairs(double beta, bool running_mean) : beta_(beta), running_mean_(running_mean) {
    RLAB_CHECK(beta > 0, "bco_pair: beta must be > 0, got {}", beta);
  }
  DpoLossOutput operator()(const PreferenceLogps& p) const override {
    CheckDpoShapes(p, true);
    const torch::Tensor a = beta_ * (p.chosen - p.ref_chosen);      // [B]
    const torch::Tensor b = beta_ * (p.rejected - p.ref_rejected);  // [B]
    if (running_mean_ && torch::GradMode::is_enabled()) {
      const torch::NoGradGuard no_grad;
      const double batch_mean = torch::cat({a, b}).mean().item<double>();
      auto s = state_.accessor<double, 1>();  // [mean, batches]
      s[1] += 1;
      s[0] += (batch_mean - s[0]) / s[1];
    }
    const double delta = running_mean_ ? state_[0].item<double>() : 0.0;
    return {(torch::softplus(delta - a) + torch::softplus(b - delta)).mean(), a.detach(),
            b.detach()};
  }
  void AddStateTo(CheckpointState& state, const std::string& prefix) const override {
    if (running_mean_) state.AddTensor(prefix + "bco_pair.running_mean", state_);
  }
  std::string Describe() const override {
    return fmt::format("bco_pair(beta={}, running_mean={})", beta_, running_mean_);
  }

 private:
  double beta_;
  bool running_mean_;
  torch::Tensor state_ = torch::zeros({2}, torch::kFloat64);  // [mean, batches], updated in place
};

}  // namespace

DpoLossRegistry::Entry BcoPairLoss() {
  return {"bco_pair",
          "BCO: chosen and rejected rewards classified around their running mean",
          {DpoBetaKey(),
           {"running_mean", "true",
            "shift the rewards by their running mean (false: TRL's current trainer)"}},
          [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
            return std::make_unique<BinaryClassifierPairs>(a.Get<double>("beta"),
                                                           a.Get<bool>("running_mean"));
          }};
}

}  // namespace rlab::prefopt
