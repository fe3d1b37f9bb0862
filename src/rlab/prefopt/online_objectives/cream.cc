// cream: self-rewarding DPO with CREAM's consistency regulariser (Wang et al., "CREAM:
// Consistency Regularized Self-Rewarding Language Models", arXiv:2410.12735).
//
// The policy judges its own samples; the run's judge is not used (its view of the chosen pair
// is only logged, pair/judged_preference). For each prompt:
//   - the current iteration's reward of sample y is its implicit DPO reward under the sampling
//     policy pi_t, r_t(y) = beta (log pi_t(y) - log ref(y)); its best and worst sample form the
//     DPO pair (a prompt whose rewards all tie gives no pair);
//   - the previous iteration's ranking of the same samples is the reference's: with
//     ref_update_every = K the reference is the previous iterate (the policy K steps ago),
//     otherwise the starting model. The batch holds no older model to form the previous
//     iterate's own implicit reward, so the reference ranks by its per-token log-likelihood,
//     log ref(y) / |y| (this departs from the paper, where both rankings are implicit rewards
//     against the initial model).
// The consistency rate is C = (tau + 1) / 2 with tau Kendall's tau-b of the two rankings,
// averaged over the batch's prompts as the paper averages it over an iteration's data, and the
// pair's loss is DPO's with C as the soft label:
//   C (-log sigmoid(beta h)) + (1 - C) (-log sigmoid(-beta h)),
//   h = (log pi - log ref)(best) - (log pi - log ref)(worst).
// Full agreement (C = 1) is DPO on the self-labelled pair; full reversal (C = 0) trains the
// reversed pair; no agreement (C = 1/2) gives the pair no gradient at h = 0.
// At the start, when the policy is the reference, every reward is 0 and no pair forms: the
// loop needs a reference other than the starting policy (for example the model before its SFT
// stage, as the paper's M0 before M1), or it stays where it is.
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/self_judged_pairs.h"

namespace rlab::prefopt {

namespace {

class CreamObjectiveImpl : public OnlineObjective {
 public:
  explicit CreamObjectiveImpl(double beta) : beta_(beta) {
    RLAB_CHECK(beta > 0, "cream: beta must be > 0, got {}", beta);
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const torch::Tensor rewards = ImplicitSampleRewards(batch, beta_);  // [P, G]
    RLAB_CHECK(batch.tokens.defined() && batch.tokens.sizes() == rewards.sizes(),
               "cream: the batch needs the completion lengths, [P, G]");
    const torch::Tensor previous =
        (batch.ref_logps / batch.tokens.to(batch.ref_logps.dtype()).clamp_min(1))
            .detach();                                                // [P, G]
    const torch::Tensor tau = KendallTauB(rewards, previous).mean();  // scalar
    const torch::Tensor consistency = (tau + 1) / 2;                  // scalar
    OnlineLoss out = SelfJudgedPairLoss(*MakeSoftLabelDpoLoss(beta_, consistency), batch,
                                        BestAndWorstPairs(batch, rewards));
    out.metrics.emplace_back("cream/consistency", consistency.item<double>());
    out.metrics.emplace_back("cream/kendall_tau", tau.item<double>());
    return out;
  }

  std::string Describe() const override {
    return fmt::format(
        "cream(beta={}): self-rewarding, the judge unused (the policy's implicit reward ranks "
        "its samples; DPO on best vs worst with the rank consistency against the reference's "
        "ranking as soft label)",
        beta_);
  }

 private:
  double beta_;
};

}  // namespace

OnlineObjectiveRegistry::Entry CreamObjective() {
  return {"cream",
          "CREAM: self-rewarding DPO, soft labels from ranking consistency across iterations",
          {{"beta", "0.1", "DPO's beta, also the scale of the self-judged implicit reward"}},
          [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<CreamObjectiveImpl>(a.Get<double>("beta"));
          }};
}

}  // namespace rlab::prefopt
