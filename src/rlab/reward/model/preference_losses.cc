#include "rlab/reward/model/preference_losses.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

namespace {

void CheckPairs(const PairRewards& p) {
  RLAB_CHECK(p.chosen.dim() == 1 && p.chosen.sizes() == p.rejected.sizes() &&
                 p.chosen.sizes() == p.margin.sizes() && p.chosen.sizes() == p.tie.sizes(),
             "pairwise loss: chosen, rejected, margin and tie must all be [B]; got {}, {}, {}, {}",
             p.chosen.sizes(), p.rejected.sizes(), p.margin.sizes(), p.tie.sizes());
}

// log(1 - e^a - e^b) for a, b < 0 with e^a + e^b < 1, computed as log1p(-(e^a + e^b)).
torch::Tensor LogOneMinusExpSum(const torch::Tensor& a, const torch::Tensor& b) {
  return torch::log1p(-(a.exp() + b.exp()));
}

class BradleyTerry : public PairwiseLoss {
 public:
  BradleyTerry(double smoothing, double center) : smoothing_(smoothing), center_(center) {
    RLAB_CHECK(smoothing >= 0 && smoothing < 0.5,
               "bradley_terry: label_smoothing must be in [0, 0.5), got {}", smoothing);
    RLAB_CHECK(center >= 0, "bradley_terry: center_rewards_coefficient must be >= 0");
  }
  torch::Tensor operator()(const PairRewards& p) const override {
    CheckPairs(p);
    torch::Tensor loss = SoftLogisticLoss(p.chosen - p.rejected - p.margin, p.tie, smoothing_);
    if (center_ > 0) loss = loss + center_ * (p.chosen + p.rejected).pow(2).mean();
    return loss;
  }
  std::string Describe() const override {
    return fmt::format("bradley_terry(label_smoothing={}, center_rewards_coefficient={})",
                       smoothing_, center_);
  }

 private:
  double smoothing_, center_;
};

class RaoKupper : public PairwiseLoss {
 public:
  explicit RaoKupper(double theta) : log_theta_(std::log(theta)) {
    RLAB_CHECK(theta > 1, "rao_kupper: theta must be > 1, got {}", theta);
  }
  torch::Tensor operator()(const PairRewards& p) const override {
    CheckPairs(p);
    const torch::Tensor d = p.chosen - p.rejected - p.margin;
    const torch::Tensor log_win = torch::log_sigmoid(d - log_theta_);    // log P(c > r)
    const torch::Tensor log_loss = torch::log_sigmoid(-d - log_theta_);  // log P(r > c)
    return -torch::where(p.tie, LogOneMinusExpSum(log_win, log_loss), log_win).mean();
  }
  std::string Describe() const override {
    return fmt::format("rao_kupper(theta={})", std::exp(log_theta_));
  }

 private:
  double log_theta_;
};

class Davidson : public PairwiseLoss {
 public:
  explicit Davidson(double nu) : log_nu_(std::log(nu)) {
    RLAB_CHECK(nu > 0, "davidson: nu must be > 0, got {}", nu);
  }
  torch::Tensor operator()(const PairRewards& p) const override {
    CheckPairs(p);
    const torch::Tensor c = p.chosen - p.margin, r = p.rejected;
    const torch::Tensor tie_logit = log_nu_ + (c + r) / 2;
    const torch::Tensor log_d = torch::logsumexp(torch::stack({c, r, tie_logit}), 0);  // [B]
    return -torch::where(p.tie, tie_logit - log_d, c - log_d).mean();
  }
  std::string Describe() const override {
    return fmt::format("davidson(nu={})", std::exp(log_nu_));
  }

 private:
  double log_nu_;
};

}  // namespace

PairwiseLossRegistry& PairwiseLosses() {
  static PairwiseLossRegistry registry("reward loss");
  return registry;
}

void RegisterPairwiseLosses() {
  PairwiseLossRegistry& r = PairwiseLosses();
  if (!RegisterOnce(r)) return;
  r.Register({"bradley_terry",
              "-log sigmoid(r_c - r_r - margin); ties as 1/2 targets",
              {{"label_smoothing", "0", "probability that a label is wrong (conservative target)"},
               {"center_rewards_coefficient", "0", "weight of mean((r_c + r_r)^2), as in TRL"}},
              [](const SpecArgs& a) -> std::unique_ptr<PairwiseLoss> {
                return std::make_unique<BradleyTerry>(a.Get<double>("label_smoothing"),
                                                      a.Get<double>("center_rewards_coefficient"));
              }});
  r.Register({"rao_kupper",
              "Bradley-Terry with a tie threshold theta (Rao & Kupper 1967)",
              {{"theta", "1.5", "> 1; larger makes ties likelier"}},
              [](const SpecArgs& a) -> std::unique_ptr<PairwiseLoss> {
                return std::make_unique<RaoKupper>(a.Get<double>("theta"));
              }});
  r.Register({"davidson",
              "Bradley-Terry with a tie weight nu (Davidson 1970)",
              {{"nu", "1", "> 0; larger makes ties likelier"}},
              [](const SpecArgs& a) -> std::unique_ptr<PairwiseLoss> {
                return std::make_unique<Davidson>(a.Get<double>("nu"));
              }});
}

std::unique_ptr<PairwiseLoss> MakePairwiseLoss(std::string_view spec) {
  RegisterPairwiseLosses();
  return PairwiseLosses().Create(spec);
}

torch::Tensor SoftLogisticLoss(const torch::Tensor& d, const torch::Tensor& tie, double eps) {
  // The probability that the first response is preferred: 1 - eps, or 1/2 for a tie.
  const torch::Tensor target =
      torch::where(tie, torch::full_like(d, 0.5), torch::full_like(d, 1.0 - eps));
  return (target * torch::softplus(-d) + (1 - target) * torch::softplus(d)).mean();
}

torch::Tensor PlackettLuceLoss(const torch::Tensor& ranked) {
  RLAB_CHECK(ranked.dim() == 2 && ranked.size(1) >= 2,
             "Plackett-Luce loss: rewards must be [B, K] with K >= 2, got {}", ranked.sizes());
  // log sum_{j >= k} e^r_j for every k: a reversed cumulative logsumexp.
  const torch::Tensor tail = torch::logcumsumexp(ranked.flip(1), 1).flip(1);  // [B, K]
  // The last position contributes log(e^r_K / e^r_K) = 0.
  return (tail - ranked).sum(1).mean();
}

}  // namespace rlab::reward
