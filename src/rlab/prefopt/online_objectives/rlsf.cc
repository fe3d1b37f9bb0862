// rlsf: reinforcement learning from self-feedback (van Niekerk et al., "Post-Training Large
// Language Models via Reinforcement Learning from Self-Feedback", arXiv:2507.21931).
//
// The model's confidence in its own samples ranks them into preference pairs, trained with a
// standard preference loss; the run's judge is not used (its view of each pair is only logged,
// pair/judged_preference). The confidence of sample y is its log-probability under the policy
// that sampled it, pi_t (the batch's old_logps, fixed during the step, as the paper scores
// with a frozen model): `confidence=mean_logp` (default) per token, log pi_t(y) / |y|, or
// `sum_logp`, log pi_t(y), the probability of the whole answer. The paper scores the final
// answer span of a chain of thought; rlab's completions are the answer, so the whole completion
// is scored. Pairs: `best_worst` (default) the most and least confident sample of each prompt,
// or `all` every pair of one prompt's samples with different confidence, the more confident
// chosen. The loss is a DPO-registry loss (`loss`, `beta`; sigmoid: DPO).
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/self_judged_pairs.h"

namespace rlab::prefopt {

namespace {

class RlsfObjectiveImpl : public OnlineObjective {
 public:
  RlsfObjectiveImpl(std::unique_ptr<DpoLoss> loss, std::string confidence, std::string pairs)
      : loss_(std::move(loss)), confidence_(std::move(confidence)), pairs_(std::move(pairs)) {
    RLAB_CHECK(confidence_ == "mean_logp" || confidence_ == "sum_logp",
               "rlsf: confidence must be mean_logp or sum_logp, got '{}'", confidence_);
    RLAB_CHECK(pairs_ == "best_worst" || pairs_ == "all",
               "rlsf: pairs must be best_worst or all, got '{}'", pairs_);
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    RLAB_CHECK(batch.old_logps.defined() && batch.tokens.defined() &&
                   batch.old_logps.sizes() == batch.tokens.sizes(),
               "rlsf: the batch needs the sampling policy's log-probs and the lengths, [P, G]");
    torch::Tensor confidence = batch.old_logps.detach();  // [P, G]
    if (confidence_ == "mean_logp") {
      confidence = confidence / batch.tokens.to(confidence.dtype()).clamp_min(1);
    }
    OnlineLoss out = SelfJudgedPairLoss(*loss_, batch,
                                        pairs_ == "all" ? AllOrderedPairs(batch, confidence)
                                                        : BestAndWorstPairs(batch, confidence));
    out.metrics.emplace_back("rlsf/confidence", confidence.mean().item<double>());
    return out;
  }

  std::string Describe() const override {
    return fmt::format(
        "rlsf(loss={}, confidence={}, pairs={}): self-feedback, the judge unused (the sampling "
        "policy's confidence ranks its samples)",
        loss_->Describe(), confidence_, pairs_);
  }

 private:
  std::unique_ptr<DpoLoss> loss_;
  std::string confidence_, pairs_;
};

}  // namespace

OnlineObjectiveRegistry::Entry RlsfObjective() {
  std::vector<KeyDoc> keys = GroupPairKeys();
  keys.push_back({"confidence", "mean_logp", "mean_logp (per token) or sum_logp, under pi_t"});
  keys.push_back({"pairs", "best_worst", "best_worst (one pair per prompt) or all ordered pairs"});
  return {"rlsf", "RLSF: the policy's confidence in its own samples ranks them into DPO pairs",
          std::move(keys), [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<RlsfObjectiveImpl>(MakeGroupPairLoss(a),
                                                       a.Get<std::string>("confidence"),
                                                       a.Get<std::string>("pairs"));
          }};
}

}  // namespace rlab::prefopt
