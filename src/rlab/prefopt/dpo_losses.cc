#include "rlab/prefopt/dpo_losses.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <functional>

#include "rlab/core/check.h"

namespace rlab::prefopt {

namespace {

void CheckShapes(const PreferenceLogps& p, bool reference) {
  RLAB_CHECK(p.chosen.dim() == 1 && p.chosen.sizes() == p.rejected.sizes(),
             "DPO loss: chosen and rejected log-probs must both be [B]");
  if (reference) {
    RLAB_CHECK(p.ref_chosen.defined() && p.ref_chosen.sizes() == p.chosen.sizes() &&
                   p.ref_rejected.defined() && p.ref_rejected.sizes() == p.chosen.sizes(),
               "DPO loss: this loss needs the reference's log-probs, [B] each");
  }
}

// -(1 - eps) log sigmoid(z) - eps log sigmoid(-z), the conservative logistic loss.
torch::Tensor SmoothedLogistic(const torch::Tensor& z, double eps) {
  return (1 - eps) * torch::softplus(-z) + eps * torch::softplus(z);
}

torch::Tensor PerToken(const torch::Tensor& logps, const torch::Tensor& tokens) {
  RLAB_CHECK(tokens.defined() && tokens.sizes() == logps.sizes(),
             "DPO loss: this loss needs the completion lengths, [B]");
  return logps / tokens.to(logps.dtype()).clamp_min(1);
}

// The losses built on the reference log-ratios: one formula of (chosen, rejected) log-ratios.
class ReferenceLoss : public DpoLoss {
 public:
  using Formula = std::function<torch::Tensor(const torch::Tensor& chosen_ratio,
                                              const torch::Tensor& rejected_ratio,
                                              const PreferenceLogps& logps)>;
  ReferenceLoss(std::string description, double beta, bool length_average, Formula formula)
      : description_(std::move(description)),
        beta_(beta),
        average_(length_average),
        formula_(std::move(formula)) {
    RLAB_CHECK(beta > 0, "DPO loss: beta must be > 0, got {}", beta);
  }
  DpoLossOutput operator()(const PreferenceLogps& p) const override {
    CheckShapes(p, true);
    torch::Tensor c = p.chosen - p.ref_chosen, r = p.rejected - p.ref_rejected;
    if (average_) {
      c = PerToken(c, p.chosen_tokens);
      r = PerToken(r, p.rejected_tokens);
    }
    return {formula_(c, r, p).mean(), (beta_ * (p.chosen - p.ref_chosen)).detach(),
            (beta_ * (p.rejected - p.ref_rejected)).detach()};
  }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  double beta_;
  bool average_;
  Formula formula_;
};

class SimPo : public DpoLoss {
 public:
  SimPo(double beta, double gamma, double eps) : beta_(beta), gamma_(gamma), eps_(eps) {
    RLAB_CHECK(beta > 0, "simpo: beta must be > 0");
  }
  bool NeedsReference() const override { return false; }
  DpoLossOutput operator()(const PreferenceLogps& p) const override {
    CheckShapes(p, false);
    const torch::Tensor c = PerToken(p.chosen, p.chosen_tokens);
    const torch::Tensor r = PerToken(p.rejected, p.rejected_tokens);
    return {SmoothedLogistic(beta_ * (c - r) - gamma_, eps_).mean(), (beta_ * c).detach(),
            (beta_ * r).detach()};
  }
  std::string Describe() const override {
    return fmt::format("simpo(beta={}, gamma={}, label_smoothing={})", beta_, gamma_, eps_);
  }

 private:
  double beta_, gamma_, eps_;
};

class OrPo : public DpoLoss {
 public:
  explicit OrPo(double beta) : beta_(beta) { RLAB_CHECK(beta > 0, "orpo: beta must be > 0"); }
  bool NeedsReference() const override { return false; }
  DpoLossOutput operator()(const PreferenceLogps& p) const override {
    CheckShapes(p, false);
    const torch::Tensor c = PerToken(p.chosen, p.chosen_tokens);
    const torch::Tensor r = PerToken(p.rejected, p.rejected_tokens);
    // log odds(p) = log p - log(1 - p), with log p the mean token log-prob.
    const torch::Tensor log_odds = (c - r) - (torch::log1p(-c.exp()) - torch::log1p(-r.exp()));
    return {(-c + beta_ * torch::softplus(-log_odds)).mean(), (beta_ * c).detach(),
            (beta_ * r).detach()};
  }
  std::string Describe() const override { return fmt::format("orpo(beta={})", beta_); }

 private:
  double beta_;
};

class WeightedDpoLoss : public DpoLoss {
 public:
  void Add(std::unique_ptr<DpoLoss> loss, double weight) {
    RLAB_CHECK(weight >= 0, "DPO loss weights must be >= 0, got {} for {}", weight,
               loss->Describe());
    parts_.emplace_back(std::move(loss), weight);
  }
  bool NeedsReference() const override {
    for (const auto& [loss, weight] : parts_) {
      if (loss->NeedsReference()) return true;
    }
    return false;
  }
  DpoLossOutput operator()(const PreferenceLogps& p) const override {
    DpoLossOutput total;
    for (const auto& [loss, weight] : parts_) {
      DpoLossOutput part = (*loss)(p);
      if (!total.loss.defined()) {
        total = part;
        total.loss = weight * part.loss;
      } else {
        total.loss = total.loss + weight * part.loss;
      }
    }
    return total;
  }
  std::string Describe() const override {
    std::string out;
    for (const auto& [loss, weight] : parts_) {
      out += fmt::format("{}{} * {}", out.empty() ? "" : " + ", weight, loss->Describe());
    }
    return out;
  }

 private:
  std::vector<std::pair<std::unique_ptr<DpoLoss>, double>> parts_;
};

}  // namespace

std::unique_ptr<DpoLoss> MakeWeightedDpoLoss(
    const std::vector<std::pair<std::string, double>>& specs_and_weights) {
  RLAB_CHECK(!specs_and_weights.empty(), "a weighted DPO loss needs at least one loss");
  auto combined = std::make_unique<WeightedDpoLoss>();
  for (const auto& [spec, weight] : specs_and_weights) combined->Add(MakeDpoLoss(spec), weight);
  return combined;
}

DpoLossRegistry& DpoLosses() {
  static DpoLossRegistry registry("DPO loss");
  return registry;
}

void RegisterDpoLosses() {
  DpoLossRegistry& r = DpoLosses();
  if (!RegisterOnce(r)) return;
  const KeyDoc beta{"beta", "0.1", "strength of the KL regularisation (inverse temperature)"};
  const KeyDoc smoothing{"label_smoothing", "0", "probability that a label is wrong"};
  using Ratio = const torch::Tensor&;
  r.Register({"sigmoid",
              "DPO's logistic loss (conservative with label_smoothing)",
              {beta, smoothing},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                const double b = a.Get<double>("beta"), eps = a.Get<double>("label_smoothing");
                RLAB_CHECK(eps >= 0 && eps < 0.5, "sigmoid: label_smoothing must be in [0, 0.5)");
                return std::make_unique<ReferenceLoss>(
                    fmt::format("sigmoid(beta={}, label_smoothing={})", b, eps), b, false,
                    [b, eps](Ratio c, Ratio r, const PreferenceLogps&) {
                      return SmoothedLogistic(b * (c - r), eps);
                    });
              }});
  r.Register({"robust",
              "robust DPO: unbiased under label noise eps",
              {beta, smoothing},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                const double b = a.Get<double>("beta"), eps = a.Get<double>("label_smoothing");
                RLAB_CHECK(eps >= 0 && eps < 0.5, "robust: label_smoothing must be in [0, 0.5)");
                return std::make_unique<ReferenceLoss>(
                    fmt::format("robust(beta={}, label_smoothing={})", b, eps), b, false,
                    [b, eps](Ratio c, Ratio r, const PreferenceLogps&) {
                      const torch::Tensor z = b * (c - r);
                      return ((1 - eps) * torch::softplus(-z) - eps * torch::softplus(z)) /
                             (1 - 2 * eps);
                    });
              }});
  r.Register({"hinge",
              "SLiC's hinge: max(0, 1 - beta h)",
              {beta},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                const double b = a.Get<double>("beta");
                return std::make_unique<ReferenceLoss>(
                    fmt::format("hinge(beta={})", b), b, false,
                    [b](Ratio c, Ratio r, const PreferenceLogps&) {
                      return torch::relu(1 - b * (c - r));
                    });
              }});
  r.Register({"ipo",
              "IPO: (h - 1/(2 beta))^2 on length-averaged log-probs",
              {beta},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                const double b = a.Get<double>("beta");
                return std::make_unique<ReferenceLoss>(
                    fmt::format("ipo(beta={})", b), b, true,
                    [b](Ratio c, Ratio r, const PreferenceLogps&) {
                      return (c - r - 1 / (2 * b)).pow(2);
                    });
              }});
  r.Register({"rpo",
              "DPO plus alpha times the chosen completion's per-token NLL",
              {beta, {"alpha", "1", "weight of the negative log-likelihood term"}},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                const double b = a.Get<double>("beta"), alpha = a.Get<double>("alpha");
                RLAB_CHECK(alpha >= 0, "rpo: alpha must be >= 0");
                return std::make_unique<ReferenceLoss>(
                    fmt::format("rpo(beta={}, alpha={})", b, alpha), b, false,
                    [b, alpha](Ratio c, Ratio r, const PreferenceLogps& p) {
                      return torch::softplus(-b * (c - r)) -
                             alpha * PerToken(p.chosen, p.chosen_tokens);
                    });
              }});
  r.Register({"apo_zero",
              "anchored: raise the chosen likelihood, lower the rejected one",
              {beta},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                const double b = a.Get<double>("beta");
                return std::make_unique<ReferenceLoss>(
                    fmt::format("apo_zero(beta={})", b), b, false,
                    [b](Ratio c, Ratio r, const PreferenceLogps&) {
                      return (1 - torch::sigmoid(b * c)) + torch::sigmoid(b * r);
                    });
              }});
  r.Register({"simpo",
              "reference-free, length-normalised, with a target margin gamma",
              {{"beta", "2", "reward scale"}, {"gamma", "0.5", "target reward margin"}, smoothing},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                return std::make_unique<SimPo>(a.Get<double>("beta"), a.Get<double>("gamma"),
                                               a.Get<double>("label_smoothing"));
              }});
  r.Register({"orpo",
              "reference-free: chosen NLL minus beta log sigmoid(log odds ratio)",
              {beta},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                return std::make_unique<OrPo>(a.Get<double>("beta"));
              }});
}

std::unique_ptr<DpoLoss> MakeDpoLoss(std::string_view spec) {
  RegisterDpoLosses();
  return DpoLosses().Create(spec);
}

}  // namespace rlab::prefopt
