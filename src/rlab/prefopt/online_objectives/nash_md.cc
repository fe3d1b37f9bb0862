// The online objective `nash_md`: Nash Mirror Descent (Munos et al., "Nash Learning from Human
// Feedback", arXiv:2312.00886), with the semantics of TRL's NashMDTrainer. Each sample y of the
// policy meets a sample y' of the geometric mixture of the policy and the reference,
// pi^(1 - mixture_coef) ref^mixture_coef renormalised per token (the trainer samples it:
// Needs().opponent = "mixture"; models/generation/mixture_generate.h), and the judged
// probability P(y > y') is its reward. The loss is REINFORCE with 1/2 as the control variate
// and a REINFORCE estimate of the KL to the reference:
//   L = mean_{p,i} [beta sg(log pi/ref (y_i)) log pi(y_i) - (P(y_i > y') - 1/2) log pi(y_i)],
// sg the stop-gradient.
// TRL multiplies the log-ratio and the log-prob token by token; the objective sees only
// sequence sums, so the KL term here is the sequence-level estimate (unbiased for
// grad KL(pi || ref)). With several opponents per prompt P(y > y') is their mean.
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"

namespace rlab::prefopt {

namespace {

class NashMd : public OnlineObjective {
 public:
  NashMd(double beta, double mixture_coef) : beta_(beta), mixture_coef_(mixture_coef) {
    RLAB_CHECK(beta >= 0 && std::isfinite(beta), "nash_md: beta must be >= 0 and finite, got {}",
               beta);
    RLAB_CHECK(mixture_coef >= 0 && mixture_coef <= 1,
               "nash_md: mixture_coef must be in [0, 1], got {}", mixture_coef);
  }
  OnlineNeeds Needs() const override {
    OnlineNeeds needs;
    needs.min_group = 1;
    needs.opponent = "mixture";
    needs.mixture_alpha = mixture_coef_;
    needs.opponents_per_prompt = 1;
    return needs;
  }
  std::string Describe() const override {
    return fmt::format("nash_md(beta={}, mixture_coef={})", beta_, mixture_coef_);
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    RLAB_CHECK(batch.opponent_preference.defined() && batch.opponent_preference.dim() == 3,
               "nash_md: the batch has no judged preference against the mixture's samples "
               "[P, G, M]");
    const torch::Tensor probability = batch.opponent_preference.mean(2);       // [P, G]
    const torch::Tensor log_ratio = (batch.logps - batch.ref_logps).detach();  // [P, G]
    const torch::Tensor score = (probability - 0.5) * batch.logps;             // [P, G]
    const torch::Tensor kl_loss = log_ratio * batch.logps;                     // [P, G]
    return {(beta_ * kl_loss - score).mean(),
            {{"loss/score", score.detach().mean().item<double>()},
             {"loss/kl", log_ratio.mean().item<double>()},
             {"rewards/probabilities", probability.mean().item<double>()},
             {"mixture_coef", mixture_coef_}}};
  }

 private:
  double beta_, mixture_coef_;
};

}  // namespace

OnlineObjectiveRegistry::Entry NashMdObjective() {
  return {
      "nash_md",
      "Nash-MD as TRL's NashMDTrainer: P(y > y') against samples of the policy/reference "
      "geometric mixture, REINFORCE with a KL penalty (Munos et al., arXiv:2312.00886)",
      {{"beta", "0.1", "coefficient of the KL to the reference"},
       {"mixture_coef", "0.5", "weight of the reference in the geometric mixture (TRL's name)"}},
      [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
        return std::make_unique<NashMd>(a.Get<double>("beta"), a.Get<double>("mixture_coef"));
      }};
}

}  // namespace rlab::prefopt
