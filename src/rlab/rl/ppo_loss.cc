#include "rlab/rl/ppo_loss.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "rlab/core/check.h"

namespace rlab::rl {

namespace {

// log pi(a|s), entropy and d log pi / d(outputs) of one sample.
struct PolicyTerms {
  double logprob = 0, entropy = 0;
};

PolicyTerms CategoricalTerms(const float* logits, int64_t k, int64_t action, double* probs,
                             double* log_probs) {
  double max_logit = logits[0];
  for (int64_t j = 1; j < k; ++j) max_logit = std::max(max_logit, static_cast<double>(logits[j]));
  double sum = 0.0;
  for (int64_t j = 0; j < k; ++j) sum += std::exp(logits[j] - max_logit);
  const double log_z = max_logit + std::log(sum);
  PolicyTerms t;
  for (int64_t j = 0; j < k; ++j) {
    log_probs[j] = logits[j] - log_z;
    probs[j] = std::exp(log_probs[j]);
    t.entropy -= probs[j] * log_probs[j];
  }
  t.logprob = log_probs[action];
  return t;
}

}  // namespace

PpoLossStats PpoLoss(const PpoMinibatch& b, const PpoLossSettings& s, PpoLossGrads& g) {
  const int64_t m = b.size, k = b.width;
  RLAB_CHECK(m >= 1 && k >= 1, "PPO loss needs a non-empty minibatch");
  RLAB_CHECK(b.discrete || b.log_std != nullptr, "a Gaussian PPO policy needs log_std");
  g.d_policy_out.assign(m * k, 0.0f);
  g.d_values.assign(m, 0.0f);
  g.d_log_std.assign(b.discrete ? 0 : k, 0.0f);
  const double inv_m = 1.0 / static_cast<double>(m);
  const double half_log_2pi = 0.5 * std::log(2.0 * std::numbers::pi);
  std::vector<double> probs(k), log_probs(k);
  std::vector<double> inv_var(b.discrete ? 0 : k);
  double gaussian_entropy = 0.0;
  if (!b.discrete) {
    for (int64_t j = 0; j < k; ++j) {
      inv_var[j] = std::exp(-2.0 * b.log_std[j]);
      gaussian_entropy += 0.5 + half_log_2pi + b.log_std[j];
    }
  }
  PpoLossStats st;
  for (int64_t i = 0; i < m; ++i) {
    const float* out = b.policy_out + i * k;
    PolicyTerms t;
    if (b.discrete) {
      t = CategoricalTerms(out, k, static_cast<int64_t>(b.actions[i]), probs.data(),
                           log_probs.data());
    } else {
      const float* a = b.actions + i * k;
      for (int64_t j = 0; j < k; ++j) {
        const double d = a[j] - out[j];
        t.logprob += -0.5 * d * d * inv_var[j] - b.log_std[j] - half_log_2pi;
      }
      t.entropy = gaussian_entropy;
    }
    // Clipped surrogate: the gradient flows through r only where the unclipped term is the
    // larger one (inside the clip range the two are equal and clip passes r through).
    const double log_ratio = t.logprob - b.old_logprobs[i];
    const double ratio = std::exp(log_ratio);
    const double adv = b.advantages[i];
    const double clipped = std::clamp(ratio, 1.0 - s.clip_coef, 1.0 + s.clip_coef);
    const double pg1 = -adv * ratio, pg2 = -adv * clipped;
    st.pg_loss += std::max(pg1, pg2) * inv_m;
    const double d_logprob = (pg1 >= pg2 ? -adv * ratio : 0.0) * inv_m;
    st.entropy += t.entropy * inv_m;
    st.approx_kl += ((ratio - 1.0) - log_ratio) * inv_m;
    st.old_approx_kl += -log_ratio * inv_m;
    st.clipfrac += (std::abs(ratio - 1.0) > s.clip_coef ? 1.0 : 0.0) * inv_m;

    float* d_out = g.d_policy_out.data() + i * k;
    if (b.discrete) {
      const int64_t a = static_cast<int64_t>(b.actions[i]);
      for (int64_t j = 0; j < k; ++j) {
        // d log p_a / dz_j = [j = a] - p_j;  dH/dz_j = -p_j (log p_j + H)
        const double d_entropy = -probs[j] * (log_probs[j] + t.entropy);
        d_out[j] = static_cast<float>(d_logprob * ((j == a ? 1.0 : 0.0) - probs[j]) -
                                      s.ent_coef * inv_m * d_entropy);
      }
    } else {
      const float* a = b.actions + i * k;
      for (int64_t j = 0; j < k; ++j) {
        const double d = a[j] - out[j];
        d_out[j] = static_cast<float>(d_logprob * d * inv_var[j]);
        // d log p / d log_std_j = d^2 / var - 1;  dH / d log_std_j = 1
        g.d_log_std[j] +=
            static_cast<float>(d_logprob * (d * d * inv_var[j] - 1.0) - s.ent_coef * inv_m);
      }
    }

    const double v = b.values[i], ret = b.returns[i];
    double d_v;
    if (s.clip_vloss) {
      const double v_clip =
          b.old_values[i] + std::clamp(v - b.old_values[i], -s.clip_coef, s.clip_coef);
      const double unclipped = (v - ret) * (v - ret), clipped_sq = (v_clip - ret) * (v_clip - ret);
      st.v_loss += 0.5 * std::max(unclipped, clipped_sq) * inv_m;
      const bool inside = std::abs(v - b.old_values[i]) <= s.clip_coef;
      d_v = unclipped >= clipped_sq ? (v - ret) : (inside ? (v_clip - ret) : 0.0);
    } else {
      st.v_loss += 0.5 * (v - ret) * (v - ret) * inv_m;
      d_v = v - ret;
    }
    g.d_values[i] = static_cast<float>(s.vf_coef * d_v * inv_m);
  }
  st.loss = st.pg_loss - s.ent_coef * st.entropy + s.vf_coef * st.v_loss;
  return st;
}

}  // namespace rlab::rl
