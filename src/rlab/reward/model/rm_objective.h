// What a language reward model's head outputs and the loss that trains it, as a registry of
// objectives (specs such as "bradley_terry(label_smoothing=0.1)", "quantile(quantiles=9)",
// "gpm(dims=4)"). The model scores every response of a batch in one forward pass; the
// objective reads those outputs [N, head_size] through the batch's layout:
//   bradley_terry, rao_kupper, davidson   a scalar reward; the pairwise losses of
//                                         preference_losses.h on pairs, Plackett-Luce on
//                                         rankings
//   plackett_luce                         the same with plain Bradley-Terry on pairs (a pair is
//                                         a ranking of two)
//   regression                            a scalar reward fit to the data's ratings by squared
//                                         error, as HelpSteer2's regression models (Wang et al.,
//                                         "HelpSteer2-Preference", arXiv:2410.01257), optionally
//                                         plus a Bradley-Terry term on the pairs
//   quantile                              a distributional reward: Q quantiles of the rating,
//                                         fit with the pinball loss (Dorka, "Quantile Regression
//                                         for Distributional Reward Models in RLHF",
//                                         arXiv:2409.10164); the reward is their mean
//   gpm                                   the General Preference Model: a preference embedding
//                                         v in R^2k per response and P(a > b) =
//                                         sigmoid(<R v_a, v_b>) with R block-diagonal
//                                         skew-symmetric (Zhang et al., "General Preference
//                                         Modeling with Preference Representations",
//                                         arXiv:2410.02197); it can represent cyclic
//                                         preferences and has no scalar reward
#pragma once

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/registry.h"

namespace rlab::reward {

// Where each record's responses sit among the N scored rows, and what the data says of them.
struct RmTargets {
  torch::Tensor chosen_rows;            // [P] int64: the preferred response of each pair
  torch::Tensor rejected_rows;          // [P] int64
  torch::Tensor margin;                 // [P] float: required reward gap (0 where none is given)
  torch::Tensor tie;                    // [P] bool
  std::vector<torch::Tensor> rankings;  // rows of each ranking, best first (int64 [K])
  torch::Tensor rating;                 // [N] float: a rating of each row, NaN where none is given
};

class RewardModelObjective {
 public:
  virtual ~RewardModelObjective() = default;
  // Outputs per response (the reward model's num_labels).
  virtual int64_t head_size() const = 0;
  // The training loss (a scalar) from the outputs [N, head_size] of a batch.
  virtual torch::Tensor Loss(const torch::Tensor& outputs, const RmTargets& targets) const = 0;
  // The logit of P(a preferred to b), from outputs [B, head_size] of a and b: [B].
  virtual torch::Tensor PreferenceLogit(const torch::Tensor& a, const torch::Tensor& b) const;
  // A scalar reward per row [N], or nothing where the model has none (gpm).
  virtual std::optional<torch::Tensor> Reward(const torch::Tensor& outputs) const = 0;
  // The loss needs ratings (score_chosen / score_rejected in the data).
  virtual bool NeedsRatings() const { return false; }
  virtual std::string Describe() const = 0;
};

using RmObjectiveRegistry = Registry<RewardModelObjective>;
RmObjectiveRegistry& RmObjectives();
void RegisterRmObjectives();  // safe to call more than once
std::unique_ptr<RewardModelObjective> MakeRmObjective(std::string_view spec);

// Registration of each family, in its own file.
void RegisterScalarRmObjectives(RmObjectiveRegistry& registry);
void RegisterQuantileRmObjective(RmObjectiveRegistry& registry);
void RegisterGpmObjective(RmObjectiveRegistry& registry);

// Pieces the objectives share.
// Rows of `values` [N] (or [N, H]) picked by an int64 index [P].
torch::Tensor Rows(const torch::Tensor& values, const torch::Tensor& rows);
// The mean Plackett-Luce loss of the rankings over the scalar rewards [N]; 0 with none.
torch::Tensor RankingLoss(const torch::Tensor& rewards, const RmTargets& targets);
// A pair loss and a ranking loss averaged over the records they cover (P pairs, R rankings).
torch::Tensor MixByRecords(const torch::Tensor& pair_loss, int64_t pairs,
                           const torch::Tensor& ranking_loss, int64_t rankings);

}  // namespace rlab::reward
