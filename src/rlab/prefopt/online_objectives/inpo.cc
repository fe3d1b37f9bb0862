// The online objective `inpo`: Iterative Nash Policy Optimization (Zhang et al., "Iterative Nash
// Policy Optimization: Aligning LLMs with General Preferences via No-Regret Learning",
// arXiv:2407.00617). The policy plays itself with online mirror descent on the KL-regularised
// preference game, pi_{t+1}(y) ~ pi_t(y)^(1 - eta tau) ref(y)^(eta tau) exp(eta P(y > pi_t)),
// and fits that step without any win-rate estimate, by a squared loss on pairs of its own
// samples:
//   h(y, y') = log pi(y)/pi(y') - eta tau log ref(y)/ref(y') - (1 - eta tau) log pi_t(y)/pi_t(y'),
//   L = mean over pairs (h(y_w, y_l) - eta (P(y_w > y_l) - 1/2))^2.
// With a judge that decides outright (P = 1) the target is the paper's eta / 2; a soft judge's
// P gives the expectation of that loss over the judge's label (the same minimiser). pi_t is the
// sampling policy (old_logps): a step is one iteration. Pairs: `best_worst`, the samples with
// the highest and lowest win rate in the group (the paper's practice with a preference model),
// or `all`, every pair of the group (the paper's loss over random pairs of pi_t).
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/group_preferences.h"

namespace rlab::prefopt {

namespace {

class Inpo : public OnlineObjective {
 public:
  Inpo(double eta, double tau, std::string pairs) : eta_(eta), tau_(tau), pairs_(std::move(pairs)) {
    RLAB_CHECK(eta > 0 && std::isfinite(eta), "inpo: eta must be > 0 and finite, got {}", eta);
    RLAB_CHECK(tau >= 0 && eta * tau <= 1,
               "inpo: tau must be >= 0 with eta * tau <= 1 (the weight of the reference in the "
               "step), got eta={} tau={}",
               eta, tau);
    RLAB_CHECK(pairs_ == "best_worst" || pairs_ == "all",
               "inpo: pairs must be best_worst or all, got '{}'", pairs_);
  }
  std::string Describe() const override {
    return fmt::format("inpo(eta={}, tau={}, pairs={})", eta_, tau_, pairs_);
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const auto [first, second] = Pairs(batch.preference);  // [P, K] each
    const auto gap = [&](const torch::Tensor& logps) {     // [P, G] -> [P, K]
      return AtSample(logps, first) - AtSample(logps, second);
    };
    const double ref_weight = eta_ * tau_;
    const torch::Tensor h = gap(batch.logps) - ref_weight * gap(batch.ref_logps) -
                            (1 - ref_weight) * gap(batch.old_logps);                  // [P, K]
    const torch::Tensor preferred = PairPreference(batch.preference, first, second);  // [P, K]
    const torch::Tensor loss = (h - eta_ * (preferred - 0.5)).pow(2).mean();
    return {loss,
            {{"pair_log_ratio", h.detach().mean().item<double>()},
             {"pair_preference", preferred.mean().item<double>()}}};
  }

 private:
  // The pairs (first, second) of each group, [P, K]: first is the sample with the higher win rate.
  std::pair<torch::Tensor, torch::Tensor> Pairs(const torch::Tensor& preference) const {
    const torch::Tensor win_rates = GroupWinRates(preference);  // [P, G]
    if (pairs_ == "best_worst") {
      const BestAndWorst bw = BestAndWorstByWinRate(win_rates);
      return {bw.best.unsqueeze(1), bw.worst.unsqueeze(1)};
    }
    const int64_t P = preference.size(0), G = preference.size(1);
    std::vector<int64_t> a, b;
    for (int64_t i = 0; i < G; ++i) {
      for (int64_t j = i + 1; j < G; ++j) a.push_back(i), b.push_back(j);
    }
    const auto K = static_cast<int64_t>(a.size());
    const torch::Tensor i = torch::tensor(a).expand({P, K}), j = torch::tensor(b).expand({P, K});
    const torch::Tensor i_first = AtSample(win_rates, i) >= AtSample(win_rates, j);  // [P, K]
    return {torch::where(i_first, i, j), torch::where(i_first, j, i)};
  }

  double eta_, tau_;
  std::string pairs_;
};

}  // namespace

OnlineObjectiveRegistry::Entry InpoObjective() {
  return {
      "inpo",
      "INPO: no-regret online mirror descent on the preference game, a squared loss on "
      "pairs of own samples (Zhang et al., arXiv:2407.00617)",
      {{"eta", "1", "step size of online mirror descent"},
       {"tau", "0.1", "strength of the KL regularisation to the reference"},
       {"pairs", "best_worst", "best_worst: the group's best and worst sample; all: every pair"}},
      [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
        return std::make_unique<Inpo>(a.Get<double>("eta"), a.Get<double>("tau"),
                                      a.Get<std::string>("pairs"));
      }};
}

}  // namespace rlab::prefopt
