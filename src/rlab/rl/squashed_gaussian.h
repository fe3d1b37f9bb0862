// SAC's tanh-squashed Gaussian policy (Haarnoja et al., "Soft Actor-Critic Algorithms and
// Applications", arXiv:1812.05905, appendix C), parameterised as in CleanRL's
// sac_continuous_action.py: the actor's raw outputs are a mean and a log standard deviation
// squashed into [log_std_min, log_std_max] by tanh; an action is
//   a = tanh(mean + std * eps) * scale + bias,  eps ~ N(0, I)
// with log pi(a|s) = sum_j [log N(x_j; mean_j, std_j) - log(scale_j (1 - tanh(x_j)^2) + 1e-6)].
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rlab {
class Rng;
}

namespace rlab::rl {

struct SquashSettings {
  double log_std_min = -5.0;
  double log_std_max = 2.0;
  std::vector<float> scale, bias;  // [A] from the action space's bounds
};

// A batch of B reparameterised samples and what their gradients need.
struct SquashedSample {
  int64_t batch = 0, dim = 0;
  std::vector<float> actions;      // [B, A] in the environment's bounds
  std::vector<float> logprobs;     // [B]
  std::vector<float> noise;        // [B, A] eps
  std::vector<float> std;          // [B, A]
  std::vector<float> squashed;     // [B, A] tanh(x)
  std::vector<float> raw_log_std;  // [B, A] the network's log-std output before squashing
};

// raw [B, 2A]: means in columns [0, A), raw log stds in [A, 2A).
void SampleSquashed(const float* raw, int64_t batch, const SquashSettings& s, Rng& rng,
                    SquashedSample& out);
// The deterministic action tanh(mean) * scale + bias, [B, A].
void MeanAction(const float* raw, int64_t batch, const SquashSettings& s, std::span<float> out);

// Backward through SampleSquashed for the loss L = sum_i (w_logprob * logprob_i + <d_action_i,
// action_i>): d_raw [B, 2A] = dL/d(raw outputs). The reparameterisation makes log N(x) depend on
// the parameters only through -log std.
void SquashedBackward(const SquashedSample& sample, double w_logprob,
                      std::span<const float> d_actions, const SquashSettings& s,
                      std::span<float> d_raw);

}  // namespace rlab::rl
