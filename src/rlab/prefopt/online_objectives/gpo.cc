// The online objective `gpo`: General Preference Optimization (Zhang et al., "General Preference
// Modeling with Preference Representations for Aligning Language Models", arXiv:2410.02197).
// SPPO's iteration (sppo.cc) with the General Preference Model's preference score in place of
// the probability: s(y > y') = logit P(y > y') = <R v_y, v_y'>, and
//   L = mean_{p,i} (log pi(y_i) - log pi_t(y_i) - eta s^(y_i > pi_t))^2,
// s^(y_i > pi_t) the mean score over the other samples j != i of the group. The score is
// antisymmetric, so its mean under pi_t is 0: the log-normaliser that SPPO approximates by
// eta / 2 is 0 here (our reading of the paper's normaliser). The judge gives probabilities, so
// the score is recovered as their logit; a judge that decides outright (P of 0 or 1) has no
// finite score, so P is first held within [sigmoid(-max_score), sigmoid(max_score)]. With a GPM
// judge (`model(path=...)` on a gpm directory) the recovered score is the model's own.
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/group_preferences.h"
#include "rlab/prefopt/online_objectives/log_ratio_regression.h"

namespace rlab::prefopt {

namespace {

class Gpo : public OnlineObjective {
 public:
  Gpo(double eta, double max_score) : eta_(eta), max_score_(max_score) {
    RLAB_CHECK(eta > 0 && std::isfinite(eta), "gpo: eta must be > 0 and finite, got {}", eta);
    RLAB_CHECK(max_score > 0 && std::isfinite(max_score),
               "gpo: max_score must be > 0 and finite, got {}", max_score);
  }
  std::string Describe() const override {
    return fmt::format("gpo(eta={}, max_score={})", eta_, max_score_);
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const double bound = 1.0 / (1.0 + std::exp(max_score_));  // sigmoid(-max_score)
    const torch::Tensor score = torch::logit(batch.preference.clamp(bound, 1.0 - bound));
    const torch::Tensor mean_score = GroupWinRates(score);  // [P, G]; the diagonal's score is 0
    return LogRatioRegression(batch, eta_ * mean_score, mean_score, "score_spread");
  }

 private:
  double eta_, max_score_;
};

}  // namespace

OnlineObjectiveRegistry::Entry GpoObjective() {
  return {"gpo",
          "GPO: SPPO's regression on the general preference score logit P(y > pi_t) (Zhang et "
          "al., arXiv:2410.02197); judge: a GPM",
          {{"eta", "1", "step size of the update"},
           {"max_score", "10", "largest |score| read from a judge that decides outright"}},
          [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<Gpo>(a.Get<double>("eta"), a.Get<double>("max_score"));
          }};
}

}  // namespace rlab::prefopt
