// osp: online self-preferring (Zhai et al., "Online Self-Preferring Language Models",
// arXiv:2405.14103).
//
// Ranked pairing builds several pairs per prompt from the policy's own samples, each with a
// judged preference strength q, and the soft-preference cross-entropy trains on them:
//   -q log sigmoid(beta h) - (1 - q) log sigmoid(-beta h),
//   h = (log pi - log ref)(y_c) - (log pi - log ref)(y_r),
// q = 1 is DPO's loss; q = 1/2 pulls the margin to 0. Ranked pairing (our reading of the
// abstract): sort a prompt's samples by score and pair the k-th best with the k-th worst for
// k < G / 2; tied pairs are dropped. The strength, `strength=`:
//   self (default): the policy judges itself, as the paper's self-preferring models do; the
//     score is r(y) = beta (log pi_t(y) - log ref(y)), the sampling policy's implicit DPO
//     reward, and q = sigmoid(r(y_c) - r(y_r)), that reward's Bradley-Terry strength. The run's
//     judge is not used (its view of each pair is only logged, pair/judged_preference). When
//     the policy is the reference every score ties and no pair forms.
//   judge: the run's judge: scores are the samples' judged win rates within their group and
//     q = P(y_c > y_r) from the judged matrix (the paper's setting where another model judges).
#include <fmt/format.h>
#include <torch/torch.h>

#include <limits>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/group_preferences.h"
#include "rlab/prefopt/online_objectives/self_judged_pairs.h"

namespace rlab::prefopt {

namespace {

class OspObjectiveImpl : public OnlineObjective {
 public:
  OspObjectiveImpl(double beta, std::string strength)
      : beta_(beta), strength_(std::move(strength)) {
    RLAB_CHECK(beta > 0, "osp: beta must be > 0, got {}", beta);
    RLAB_CHECK(strength_ == "self" || strength_ == "judge",
               "osp: strength must be self or judge, got '{}'", strength_);
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const bool self = strength_ == "self";
    RLAB_CHECK(self || (batch.preference.defined() && batch.preference.dim() == 3),
               "osp(strength=judge): the batch needs the judged [P, G, G] preferences");
    const torch::Tensor scores = self ? ImplicitSampleRewards(batch, beta_)
                                      : GroupWinRates(batch.preference.detach());  // [P, G]
    const GroupPairs pairs = RankedPairs(batch, scores);
    torch::Tensor strength = pairs.judged;  // [K]
    if (self) {
      const torch::Tensor flat = scores.flatten();  // [P * G]
      strength =
          torch::sigmoid(flat.index_select(0, pairs.chosen) - flat.index_select(0, pairs.rejected));
    }
    OnlineLoss out = SelfJudgedPairLoss(*MakeSoftLabelDpoLoss(beta_, strength), batch, pairs);
    out.metrics.emplace_back("osp/strength", strength.numel() > 0
                                                 ? strength.mean().item<double>()
                                                 : std::numeric_limits<double>::quiet_NaN());
    return out;
  }

  std::string Describe() const override {
    return fmt::format("osp(beta={}, strength={}): ranked pairs of own samples, soft-preference "
                       "cross-entropy; {}",
                       beta_, strength_,
                       strength_ == "self"
                           ? "self-judged, the judge unused (the policy's implicit reward)"
                           : "strengths from the run's judge");
  }

 private:
  double beta_;
  std::string strength_;
};

}  // namespace

OnlineObjectiveRegistry::Entry OspObjective() {
  return {"osp",
          "OSP: ranked pairs of own samples, soft-preference cross-entropy with judged strength",
          {{"beta", "0.1", "DPO's beta, also the scale of the self-judged implicit reward"},
           {"strength", "self", "self (the policy's implicit reward) or judge (the run's judge)"}},
          [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<OspObjectiveImpl>(a.Get<double>("beta"),
                                                      a.Get<std::string>("strength"));
          }};
}

}  // namespace rlab::prefopt
