// The online objective `dno`: Direct Nash Optimization, its practical version DNO-Prct (Rosset
// et al., "Direct Nash Optimization: Teaching Language Models to Self-Improve with General
// Preferences", arXiv:2404.03715). Batched on-policy iterations: each iteration samples from
// pi_t, ranks each group's samples by the judge, takes the best and the worst by win rate as a
// pair when their win rates differ by more than `margin` (the paper's margin filter on judged
// scores), and trains a contrastive, DPO-style loss with pi_t itself as the reference:
//   L = -mean over kept pairs log sigmoid(beta [r(y_w) - r(y_l)]),  r = log pi - log pi_t.
// A trainer step is one iteration (pi_t = old_logps, the policy that sampled the batch; the
// paper's several epochs on an iteration's data are updates_per_batch); the trainer's reference
// is not used. A batch with no kept pair has zero loss.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/group_preferences.h"
#include "rlab/prefopt/unit_rows.h"

namespace rlab::prefopt {

namespace {

class Dno : public OnlineObjective {
 public:
  Dno(double beta, double margin) : beta_(beta), margin_(margin) {
    RLAB_CHECK(beta > 0 && std::isfinite(beta), "dno: beta must be > 0 and finite, got {}", beta);
    RLAB_CHECK(margin >= 0 && margin < 1, "dno: margin must be in [0, 1), got {}", margin);
  }
  std::string Describe() const override {
    return fmt::format("dno(beta={}, margin={})", beta_, margin_);
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const torch::Tensor win_rates = GroupWinRates(batch.preference);  // [P, G]
    const BestAndWorst bw = BestAndWorstByWinRate(win_rates);
    const torch::Tensor kept =
        (AtSample(win_rates, bw.best) - AtSample(win_rates, bw.worst) > margin_)
            .to(batch.logps.scalar_type());                                                // [P]
    const torch::Tensor log_ratio = batch.logps - batch.old_logps;                         // [P, G]
    const torch::Tensor h = AtSample(log_ratio, bw.best) - AtSample(log_ratio, bw.worst);  // [P]
    const double count = kept.sum().item<double>();
    const torch::Tensor loss = -(torch::log_sigmoid(beta_ * h) * kept).sum() / std::max(count, 1.0);
    const torch::Tensor margins = (beta_ * h.detach()).masked_select(kept > 0);
    return {loss,
            {{"pairs_kept", kept.mean().item<double>()},
             {"rewards/margins", MeanOrNan(margins)},
             {"rewards/accuracies", MeanOrNan((margins > 0).to(torch::kFloat64))}}};
  }

 private:
  double beta_, margin_;
};

}  // namespace

OnlineObjectiveRegistry::Entry DnoObjective() {
  return {"dno",
          "DNO-Prct: best vs worst own sample by judged win rate, DPO-style loss against the "
          "sampling policy (Rosset et al., arXiv:2404.03715)",
          {{"beta", "0.1", "inverse temperature of the log-ratio to pi_t"},
           {"margin", "0", "a pair is kept when its win rates differ by more than this"}},
          [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<Dno>(a.Get<double>("beta"), a.Get<double>("margin"));
          }};
}

}  // namespace rlab::prefopt
