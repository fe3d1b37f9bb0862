// Preference losses for reward models over pairs of responses, as a registry (specs such as
// "bradley_terry(label_smoothing=0.1)"), and the Plackett-Luce loss for rankings.
//   bradley_terry  -log sigmoid(r_c - r_r - m) with optional margin m (the data's "margin",
//                  as Llama 2's reward models use it: Touvron et al. 2023, arXiv:2307.09288),
//                  label smoothing eps: -(1 - eps) log sigmoid(d) - eps log sigmoid(-d), and
//                  TRL's center_rewards_coefficient c: + c mean((r_c + r_r)^2) (Eisenstein et
//                  al., "Helping or Herding?", arXiv:2312.09244); ties are soft 0.5 targets
//                  (Bradley & Terry, Biometrika 1952; Christiano et al. arXiv:1706.03741)
//   rao_kupper     ties with threshold theta > 1: P(c > r) = sigmoid(d - log theta),
//                  P(tie) = 1 - P(c > r) - P(r > c) (Rao & Kupper, "Ties in Paired-Comparison
//                  Experiments", JASA 1967)
//   davidson       ties with weight nu > 0: P(c > r) = e^r_c / D, P(tie) = nu e^((r_c+r_r)/2) / D,
//                  D = e^r_c + e^r_r + nu e^((r_c+r_r)/2) (Davidson, "On Extending the
//                  Bradley-Terry Model to Accommodate Ties", JASA 1970)
// Every loss is the mean over the batch.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"

namespace rlab::reward {

struct PairRewards {
  torch::Tensor chosen;    // [B] reward of the preferred response (either one for a tie)
  torch::Tensor rejected;  // [B]
  torch::Tensor margin;    // [B] required reward gap; zeros where the data gives none
  torch::Tensor tie;       // [B] bool: the two responses are equally good
};

class PairwiseLoss {
 public:
  virtual ~PairwiseLoss() = default;
  virtual torch::Tensor operator()(const PairRewards& pairs) const = 0;  // scalar
  virtual std::string Describe() const = 0;
};

using PairwiseLossRegistry = Registry<PairwiseLoss>;
PairwiseLossRegistry& PairwiseLosses();
void RegisterPairwiseLosses();  // safe to call more than once
std::unique_ptr<PairwiseLoss> MakePairwiseLoss(std::string_view spec);

// The logistic loss of preference logits d [B] against soft targets: the first response wins
// with probability 1 - eps, a tie with 1/2. Mean over the batch.
torch::Tensor SoftLogisticLoss(const torch::Tensor& d, const torch::Tensor& tie, double eps);

// Plackett-Luce (Plackett 1975, Luce 1959) over rankings: rewards [B, K] with column 0 the
// best response; -sum_k log(e^r_k / sum_{j >= k} e^r_j), averaged over the batch.
torch::Tensor PlackettLuceLoss(const torch::Tensor& ranked_rewards);

}  // namespace rlab::reward
