// The online objective `sppo`: Self-Play Preference Optimization (Wu et al., "Self-Play
// Preference Optimization for Language Model Alignment", arXiv:2405.00675). A step is one SPPO
// iteration t: the group's samples come from pi_t (old_logps), and the policy fits the
// multiplicative-weights update pi_{t+1}(y) ~ pi_t(y) exp(eta P(y > pi_t)) by regressing its
// log-ratio to pi_t on the centred win rate,
//   L = mean_{p,i} (log pi(y_i) - log pi_t(y_i) - eta (P^(y_i > pi_t) - 1/2))^2,
// with 1/2 the paper's approximation of log Z / eta. P^(y_i > pi_t) is GroupWinRates: the mean of
// the judged soft P(y_i > y_j) over the other samples j != i of the group (the paper averages
// over its K samples; leaving y_i out keeps the estimate unbiased for an independent draw).
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/group_preferences.h"
#include "rlab/prefopt/online_objectives/log_ratio_regression.h"

namespace rlab::prefopt {

namespace {

class Sppo : public OnlineObjective {
 public:
  explicit Sppo(double eta) : eta_(eta) {
    RLAB_CHECK(eta > 0 && std::isfinite(eta), "sppo: eta must be > 0 and finite, got {}", eta);
  }
  std::string Describe() const override { return fmt::format("sppo(eta={})", eta_); }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const torch::Tensor win_rates = GroupWinRates(batch.preference);  // [P, G]
    return LogRatioRegression(batch, eta_ * (win_rates - 0.5), win_rates, "win_rate_spread");
  }

 private:
  double eta_;
};

}  // namespace

OnlineObjectiveRegistry::Entry SppoObjective() {
  return {"sppo",
          "SPPO: regress log pi/pi_t on eta (win rate against the group - 1/2) (Wu et al., "
          "arXiv:2405.00675)",
          {{"eta", "1", "step size of the multiplicative-weights update"}},
          [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<Sppo>(a.Get<double>("eta"));
          }};
}

}  // namespace rlab::prefopt
