// PPO's clipped surrogate objective with its value and entropy terms (Schulman et al.,
// "Proximal Policy Optimization Algorithms", arXiv:1707.06347), in the form of CleanRL's
// ppo.py and ppo_continuous_action.py, with its gradients with respect to the network
// outputs written out, so that the fused networks can backpropagate them.
//
//   loss = mean(max(-A r, -A clip(r, 1 - c, 1 + c))) - ent_coef * mean(H) + vf_coef * L_V
//   r = exp(log pi(a|s) - log pi_old(a|s)),  L_V = 0.5 mean(max((V - R)^2, (V_clip - R)^2))
//
// with V_clip = V_old + clip(V - V_old, -c, c) when value clipping is on.
#pragma once

#include <cstdint>
#include <vector>

namespace rlab::rl {

struct PpoLossSettings {
  double clip_coef = 0.2;
  bool clip_vloss = true;
  double ent_coef = 0.01;
  double vf_coef = 0.5;
};

// One minibatch of M samples. Discrete policies: `policy_out` holds logits [M, K] and
// `actions` the chosen indices as floats [M]. Gaussian policies: `policy_out` holds means
// [M, K], `log_std` the state-independent log standard deviations [K], and `actions` [M, K].
struct PpoMinibatch {
  int64_t size = 0;
  int64_t width = 0;  // K
  bool discrete = true;
  const float* policy_out = nullptr;
  const float* log_std = nullptr;
  const float* values = nullptr;  // [M] the critic's current values
  const float* actions = nullptr;
  const float* old_logprobs = nullptr;  // [M]
  const float* advantages = nullptr;    // [M] (already normalised when that is on)
  const float* returns = nullptr;       // [M]
  const float* old_values = nullptr;    // [M]
};

struct PpoLossStats {
  double loss = 0, pg_loss = 0, v_loss = 0, entropy = 0;
  double approx_kl = 0;      // mean((r - 1) - log r), Schulman's low-variance estimator
  double old_approx_kl = 0;  // mean(-log r)
  double clipfrac = 0;       // fraction of samples with |r - 1| > c
};

// dL/d(outputs): d_policy_out [M, K], d_values [M], d_log_std [K] (summed over the batch).
struct PpoLossGrads {
  std::vector<float> d_policy_out, d_values, d_log_std;
};

PpoLossStats PpoLoss(const PpoMinibatch& batch, const PpoLossSettings& settings,
                     PpoLossGrads& grads);

}  // namespace rlab::rl
