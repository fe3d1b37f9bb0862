#include "rlab/prefopt/online_objectives/self_judged_pairs.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <limits>

#include "rlab/core/check.h"

namespace rlab::prefopt {

namespace {

void CheckSelfJudgedScores(const OnlineBatch& batch, const torch::Tensor& scores) {
  RLAB_CHECK(scores.defined() && scores.dim() == 2 && scores.size(1) >= 2 &&
                 batch.logps.defined() && scores.sizes() == batch.logps.sizes(),
             "self-judged pairs: scores must be [P, G] like the batch's log-probs, G >= 2");
}

// Pairs from prompt-major sample indices: prompt [K], chosen and rejected sample [K].
GroupPairs SelfJudgedPairs(const OnlineBatch& batch, const torch::Tensor& prompt,
                           const torch::Tensor& chosen, const torch::Tensor& rejected) {
  const int64_t group = batch.logps.size(1);
  torch::Tensor judged;  // [K]
  if (batch.preference.defined()) {
    judged = batch.preference.detach().index({prompt, chosen, rejected});
  } else {
    judged =
        torch::full({prompt.size(0)}, std::numeric_limits<double>::quiet_NaN(), torch::kFloat64);
  }
  return {prompt * group + chosen, prompt * group + rejected, judged};
}

class SoftLabelDpoLoss : public DpoLoss {
 public:
  SoftLabelDpoLoss(double beta, torch::Tensor labels) : beta_(beta), labels_(std::move(labels)) {
    RLAB_CHECK(beta > 0, "soft-label DPO: beta must be > 0, got {}", beta);
  }
  DpoLossOutput operator()(const PreferenceLogps& p) const override {
    RLAB_CHECK(labels_.numel() == 1 || labels_.sizes() == p.chosen.sizes(),
               "soft-label DPO: one label per pair, [K]");
    const torch::Tensor chosen = beta_ * (p.chosen - p.ref_chosen);        // [K]
    const torch::Tensor rejected = beta_ * (p.rejected - p.ref_rejected);  // [K]
    const torch::Tensor z = chosen - rejected;                             // [K]
    const torch::Tensor q = labels_.to(z.dtype());
    return {(q * torch::softplus(-z) + (1 - q) * torch::softplus(z)).mean(), chosen.detach(),
            rejected.detach()};
  }
  std::string Describe() const override {
    return fmt::format("soft-label sigmoid(beta={})", beta_);
  }

 private:
  double beta_;
  torch::Tensor labels_;
};

}  // namespace

torch::Tensor ImplicitSampleRewards(const OnlineBatch& batch, double beta) {
  RLAB_CHECK(batch.old_logps.defined() && batch.ref_logps.defined() &&
                 batch.old_logps.sizes() == batch.ref_logps.sizes(),
             "self-judged rewards need the sampling policy's and the reference's log-probs, "
             "[P, G] each");
  return (beta * (batch.old_logps - batch.ref_logps)).detach();
}

GroupPairs BestAndWorstPairs(const OnlineBatch& batch, const torch::Tensor& scores) {
  CheckSelfJudgedScores(batch, scores);
  const torch::Tensor decided =
      (scores.amax(1) > scores.amin(1)).nonzero().squeeze(1);  // [K] prompts with a pair
  return SelfJudgedPairs(batch, decided, scores.argmax(1).index_select(0, decided),
                         scores.argmin(1).index_select(0, decided));
}

GroupPairs AllOrderedPairs(const OnlineBatch& batch, const torch::Tensor& scores) {
  CheckSelfJudgedScores(batch, scores);
  const torch::Tensor above = scores.unsqueeze(2) > scores.unsqueeze(1);  // [P, G, G]
  const torch::Tensor where = above.nonzero();                            // [K, 3]: p, i, j
  return SelfJudgedPairs(batch, where.select(1, 0), where.select(1, 1), where.select(1, 2));
}

GroupPairs RankedPairs(const OnlineBatch& batch, const torch::Tensor& scores) {
  CheckSelfJudgedScores(batch, scores);
  const int64_t half = scores.size(1) / 2;
  const auto [sorted, order] =
      scores.sort(/*stable=*/true, /*dim=*/1, /*descending=*/true);  // [P, G] each
  const torch::Tensor top = order.slice(1, 0, half);                 // [P, half]
  const torch::Tensor bottom = order.flip({1}).slice(1, 0, half);    // [P, half]
  const torch::Tensor untied =
      (sorted.slice(1, 0, half) > sorted.flip({1}).slice(1, 0, half)).flatten();  // [P * half]
  const torch::Tensor keep = untied.nonzero().squeeze(1);                         // [K]
  const torch::Tensor prompt =
      torch::arange(scores.size(0), order.options()).unsqueeze(1).expand_as(top);  // [P, half]
  return SelfJudgedPairs(batch, prompt.flatten().index_select(0, keep),
                         top.flatten().index_select(0, keep),
                         bottom.flatten().index_select(0, keep));
}

torch::Tensor KendallTauB(const torch::Tensor& a, const torch::Tensor& b) {
  RLAB_CHECK(a.defined() && a.dim() == 2 && b.defined() && a.sizes() == b.sizes(),
             "Kendall's tau: both rankings must be [P, G]");
  const torch::Tensor sa = (a.unsqueeze(2) - a.unsqueeze(1)).sign();  // [P, G, G]
  const torch::Tensor sb = (b.unsqueeze(2) - b.unsqueeze(1)).sign();  // [P, G, G]
  // Each unordered pair stands twice in the [G, G] square; the factors of 2 cancel.
  const torch::Tensor concordance = (sa * sb).sum({1, 2});                            // [P]
  const torch::Tensor untied = (sa.abs().sum({1, 2}) * sb.abs().sum({1, 2})).sqrt();  // [P]
  return torch::where(untied > 0, concordance / untied.clamp_min(1e-30),
                      torch::zeros_like(concordance));
}

std::unique_ptr<DpoLoss> MakeSoftLabelDpoLoss(double beta, torch::Tensor labels) {
  return std::make_unique<SoftLabelDpoLoss>(beta, std::move(labels));
}

OnlineLoss SelfJudgedPairLoss(const DpoLoss& loss, const OnlineBatch& batch,
                              const GroupPairs& pairs) {
  const int64_t count = pairs.chosen.numel();
  OnlineLoss out = GroupPairLoss(loss, batch, pairs);  // figures of no pairs are NaN
  if (count == 0) out.loss = batch.logps.sum() * 0;    // the mean of no pairs would be NaN
  out.metrics.emplace_back("pair/count", static_cast<double>(count));
  return out;
}

}  // namespace rlab::prefopt
