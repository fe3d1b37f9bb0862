// Outcome-reward advantage estimators for language-model RL without a critic, as a registry
// of specs ("grpo", "grpo(scale_rewards=false)", "rloo", "reinforce_pp", "bnpo"). The rewards
// [N] hold G completions of each of P prompts, grouped contiguously (N = P * G, rows
// p*G .. p*G+G-1 answer prompt p); each completion gets one advantage [N], which the policy
// loss spreads over its tokens. Standard deviations use Bessel's correction, as torch.std in
// TRL's GRPOTrainer.
//   grpo          (r - mean_group) / (std_group + eps) (Shao et al., "DeepSeekMath",
//                 arXiv:2402.03300). scale_rewards=false drops the division: Dr. GRPO (Liu
//                 et al., "Understanding R1-Zero-Like Training: A Critical Perspective",
//                 arXiv:2503.20783), which removes the bias towards groups of low spread.
//                 A group whose rewards are all equal gets advantages of exactly 0.
//   rloo          r_i - mean of the other G - 1 rewards of its group, the leave-one-out
//                 baseline (Ahmadian et al., "Back to Basics: Revisiting REINFORCE Style
//                 Optimization for Learning from Human Feedback in LLMs", arXiv:2402.14740)
//   reinforce_pp  REINFORCE++ (Hu, arXiv:2501.03262): (r - mean_batch) / (std_batch + eps),
//                 normalised over the whole batch rather than per prompt. group_baseline=true
//                 subtracts the group mean first and then normalises by the batch (the
//                 paper's REINFORCE++-baseline). The paper's KL-in-reward token returns are
//                 the trainer's business; this is the outcome part.
//   bnpo          Beta normalisation for rewards in [min_reward, max_reward], scaled to
//                 [0, 1] (Xiao et al., "BNPO: Beta Normalization Policy Optimization",
//                 arXiv:2506.02864): with p_g the mean scaled reward of group g, a Beta(a, b)
//                 is fitted to the batch's p_g by moments (m, v their mean and sample
//                 variance; a = m (m(1-m)/v - 1), b = (1-m)(m(1-m)/v - 1)), and
//                   A = (r - p_g) / f(p_g; alpha, beta),  alpha = 1 + a/3, beta = 1 + b/3
//                 with f the Beta density. As in the authors' released code alpha and beta
//                 are at least 1 and 1/f is capped (max_weight); with fewer than two groups
//                 or no spread between them, alpha = beta = 1 (f = 1: REINFORCE with the
//                 group mean as baseline). The paper's advantage decomposition for several
//                 reward components is not implemented.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"

namespace rlab::rl {

class GroupAdvantage {
 public:
  virtual ~GroupAdvantage() = default;
  // rewards [N = P * G], grouped contiguously -> advantages [N], no gradient.
  virtual torch::Tensor operator()(const torch::Tensor& rewards, int64_t group_size) const = 0;
  virtual std::string Describe() const = 0;
};

using GroupAdvantageRegistry = Registry<GroupAdvantage>;
GroupAdvantageRegistry& GroupAdvantages();
void RegisterGroupAdvantages();  // safe to call more than once
std::unique_ptr<GroupAdvantage> MakeGroupAdvantage(std::string_view spec);

// What TRL's GRPOTrainer logs of a batch's rewards under its names.
struct GroupRewardStats {
  double reward = 0;                // mean reward
  double reward_std = 0;            // mean over groups of the group's standard deviation
  double frac_reward_zero_std = 0;  // share of groups whose rewards are all equal
};
GroupRewardStats ComputeGroupRewardStats(const torch::Tensor& rewards, int64_t group_size);

// rewards [N] as [P, G], after checking that N is a multiple of G and the rewards finite.
torch::Tensor Grouped(const torch::Tensor& rewards, int64_t group_size);

}  // namespace rlab::rl
