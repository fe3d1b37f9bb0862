#include "rlab/reward/signal/reward_transforms.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <functional>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

namespace {

// One formula of (r, r_ref), with the input checks every transform shares: a NaN or infinite
// reward is a bug upstream (a broken reward model, a parse failure) and must not reach the
// optimiser silently.
class FormulaTransform : public RewardTransform {
 public:
  using Formula = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;
  FormulaTransform(std::string description, bool needs_reference, Formula formula)
      : description_(std::move(description)),
        needs_reference_(needs_reference),
        formula_(std::move(formula)) {}

  torch::Tensor operator()(const torch::Tensor& r, const torch::Tensor& r_ref) const override {
    RLAB_CHECK(r.defined() && r.dim() == 1, "reward transform {}: rewards must be [N], got {}",
               description_, r.defined() ? fmt::format("{}", r.sizes()) : "nothing");
    RLAB_CHECK(torch::isfinite(r).all().item<bool>(),
               "reward transform {}: a reward is NaN or infinite", description_);
    if (needs_reference_) {
      RLAB_CHECK(r_ref.defined(),
                 "reward transform {} needs reference rewards r_ref (the proxy reward of the "
                 "reference completion for each prompt); none were given",
                 description_);
      RLAB_CHECK((r_ref.dim() == 1 || r_ref.dim() == 2) && r_ref.size(0) == r.size(0),
                 "reward transform {}: r_ref must be [N] or [N, M] with N = {}, got {}",
                 description_, r.size(0), r_ref.sizes());
      RLAB_CHECK(torch::isfinite(r_ref).all().item<bool>(),
                 "reward transform {}: a reference reward is NaN or infinite", description_);
    }
    return formula_(r, r_ref);
  }
  bool NeedsReference() const override { return needs_reference_; }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  bool needs_reference_;
  Formula formula_;
};

// r_ref as [N, M] so that one formula serves a single reference and several.
torch::Tensor Columns(const torch::Tensor& r_ref) {
  return r_ref.dim() == 1 ? r_ref.unsqueeze(1) : r_ref;
}

// log sigmoid(x) written as -softplus(-x), which stays finite for very negative x.
torch::Tensor LogSigmoidTransform(const torch::Tensor& r, const torch::Tensor& r_ref) {
  RLAB_CHECK(r_ref.dim() == 1, "log_sigmoid: r_ref must be [N], one reference per prompt");
  return -torch::softplus(r_ref - r);
}

torch::Tensor Par(const torch::Tensor& r, const torch::Tensor& r_ref) {
  return torch::sigmoid(r.unsqueeze(1) - Columns(r_ref)).mean(1);
}

std::unique_ptr<RewardTransform> Make(std::string description, bool needs_reference,
                                      FormulaTransform::Formula formula) {
  return std::make_unique<FormulaTransform>(std::move(description), needs_reference,
                                            std::move(formula));
}

}  // namespace

RewardTransformRegistry& RewardTransforms() {
  static RewardTransformRegistry registry("reward transform");
  return registry;
}

void RegisterRewardTransforms() {
  RewardTransformRegistry& reg = RewardTransforms();
  if (!RegisterOnce(reg)) return;
  reg.Register({"identity", "the rewards unchanged", {}, [](const SpecArgs&) {
                  return Make("identity", false,
                              [](const torch::Tensor& r, const torch::Tensor&) { return r; });
                }});
  reg.Register({"centre", "r - mean(r) over the batch", {}, [](const SpecArgs&) {
                  return Make("centre", false, [](const torch::Tensor& r, const torch::Tensor&) {
                    return r - r.mean();
                  });
                }});
  reg.Register({"standardise",
                "(r - mean) / (std + eps) over the batch (std with Bessel's correction)",
                {{"eps", "1e-8", "added to the standard deviation"}},
                [](const SpecArgs& a) {
                  const double eps = a.Get<double>("eps");
                  RLAB_CHECK(eps >= 0, "standardise: eps must be >= 0, got {}", eps);
                  return Make(fmt::format("standardise(eps={})", eps), false,
                              [eps](const torch::Tensor& r, const torch::Tensor&) {
                                RLAB_CHECK(r.size(0) >= 2,
                                           "standardise: needs at least 2 rewards, got {}",
                                           r.size(0));
                                return (r - r.mean()) / (r.std() + eps);
                              });
                }});
  reg.Register({"clip",
                "min(max(r, low), high)",
                {{"low", "-inf", "lower bound"}, {"high", "inf", "upper bound"}},
                [](const SpecArgs& a) {
                  const double low = a.Get<double>("low"), high = a.Get<double>("high");
                  RLAB_CHECK(low <= high, "clip: low ({}) must not exceed high ({})", low, high);
                  return Make(fmt::format("clip(low={}, high={})", low, high), false,
                              [low, high](const torch::Tensor& r, const torch::Tensor&) {
                                return r.clamp(low, high);
                              });
                }});
  reg.Register({"log_sigmoid",
                "log sigmoid(r - r_ref) (Wang et al., arXiv:2402.00742); needs r_ref",
                {},
                [](const SpecArgs&) { return Make("log_sigmoid", true, LogSigmoidTransform); }});
  reg.Register({"par",
                "sigmoid(r - r_ref), Preference As Reward (Fu et al., arXiv:2502.18770); needs "
                "r_ref",
                {},
                [](const SpecArgs&) { return Make("par", true, Par); }});
}

std::unique_ptr<RewardTransform> MakeRewardTransform(std::string_view spec) {
  RegisterRewardTransforms();
  return RewardTransforms().Create(spec);
}

}  // namespace rlab::reward
