#include "rlab/prefopt/dpo_losses.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <functional>

#include "rlab/core/check.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

namespace {

class SimPo : public DpoLoss {
 public:
  SimPo(double beta, double gamma, double eps) : beta_(beta), gamma_(gamma), eps_(eps) {
    RLAB_CHECK(beta > 0, "simpo: beta must be > 0");
  }
  bool NeedsReference() const override { return false; }
  DpoLossOutput operator()(const PreferenceLogps& p) const override {
    CheckDpoShapes(p, false);
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
    CheckDpoShapes(p, false);
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
  void AddStateTo(CheckpointState& state, const std::string& prefix) const override {
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      parts_[i].first->AddStateTo(state, fmt::format("{}{}.", prefix, i));
    }
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
  const KeyDoc beta = DpoBetaKey(), smoothing = LabelSmoothingKey();
  using Ratio = const torch::Tensor&;
  r.Register({"sigmoid",
              "DPO's logistic loss (no label smoothing, as TRL; cdpo is the smoothed one)",
              {beta},
              [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
                const double b = a.Get<double>("beta");
                return std::make_unique<ReferenceLoss>(
                    fmt::format("sigmoid(beta={})", b), b, false,
                    [b](Ratio c, Ratio r, const PreferenceLogps&) {
                      return torch::softplus(-b * (c - r));
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
  r.Register(MmDpoLoss());
  r.Register(VpoLoss());
  r.Register(TgdpoLoss());
  r.Register(TRegLoss());
  r.Register(SvpoLoss());
  r.Register(CdpoLoss());
  r.Register(ExoPairLoss());
  r.Register(NcaPairLoss());
  r.Register(BcoPairLoss());
  r.Register(SppoHardLoss());
  r.Register(AotLoss());
  r.Register(AotUnpairedLoss());
  r.Register(ApoDownLoss());
  r.Register(DiscoPopLoss());
  r.Register(SigmoidNormLoss());
  r.Register(SftLoss());
}

std::unique_ptr<DpoLoss> MakeDpoLoss(std::string_view spec) {
  RegisterDpoLosses();
  return DpoLosses().Create(spec);
}

}  // namespace rlab::prefopt
