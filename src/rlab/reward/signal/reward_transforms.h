// Reward transforms: what happens to a batch of scalar proxy rewards r [N] before the policy
// optimiser sees them, as a registry of specs ("standardise", "par", "clip(low=-1, high=1)").
// Some transforms compare r with a reference reward r_ref [N], typically the proxy reward of
// the reference (SFT) policy's completion for the same prompt:
//   identity     r
//   centre       r - mean(r)
//   standardise  (r - mean(r)) / (std(r) + eps); std with Bessel's correction, as torch.std
//   clip         min(max(r, low), high)
//   log_sigmoid  log sigmoid(r - r_ref) (Wang et al., "Transforming and Combining Rewards for
//                Aligning Large Language Models", arXiv:2402.00742): concave in r, so gains
//                far above the reference count for little; summing transformed rewards
//                behaves like a logical AND of "better than the reference" on each
//   par          sigmoid(r - r_ref), Preference As Reward (Fu et al., "Reward Shaping to
//                Mitigate Reward Hacking in RLHF", arXiv:2502.18770): bounded in (0, 1) and
//                steepest near the reference. r_ref may be [N, M], M reference completions per
//                prompt, giving mean_m sigmoid(r - r_ref[:, m]) as in the paper's variant
// The mean and std are over the batch given; call per group for per-prompt statistics.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"

namespace rlab::reward {

class RewardTransform {
 public:
  virtual ~RewardTransform() = default;
  // r [N]; r_ref [N] ([N, M] for par), or an undefined tensor where the transform needs
  // none. Returns [N] in r's dtype. A transform that needs r_ref fails without one.
  virtual torch::Tensor operator()(const torch::Tensor& r,
                                   const torch::Tensor& r_ref = torch::Tensor()) const = 0;
  virtual bool NeedsReference() const = 0;
  virtual std::string Describe() const = 0;
};

using RewardTransformRegistry = Registry<RewardTransform>;
RewardTransformRegistry& RewardTransforms();
void RegisterRewardTransforms();  // safe to call more than once
std::unique_ptr<RewardTransform> MakeRewardTransform(std::string_view spec);

}  // namespace rlab::reward
