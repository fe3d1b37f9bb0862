#include "rlab/rl/squashed_gaussian.h"

#include <cmath>
#include <numbers>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"

namespace rlab::rl {

namespace {
constexpr double kSquashEps = 1e-6;  // as CleanRL, inside the log of the Jacobian
}

void SampleSquashed(const float* raw, int64_t batch, const SquashSettings& s, Rng& rng,
                    SquashedSample& out) {
  const int64_t a = static_cast<int64_t>(s.scale.size());
  out.batch = batch;
  out.dim = a;
  out.actions.resize(batch * a);
  out.logprobs.assign(batch, 0.0f);
  out.noise.resize(batch * a);
  out.std.resize(batch * a);
  out.squashed.resize(batch * a);
  out.raw_log_std.resize(batch * a);
  const double half_log_2pi = 0.5 * std::log(2.0 * std::numbers::pi);
  const double half_range = 0.5 * (s.log_std_max - s.log_std_min);
  for (int64_t i = 0; i < batch; ++i) {
    double logprob = 0.0;
    for (int64_t j = 0; j < a; ++j) {
      const int64_t o = i * a + j;
      const double mean = raw[i * 2 * a + j];
      const double raw_ls = raw[i * 2 * a + a + j];
      const double log_std = s.log_std_min + half_range * (std::tanh(raw_ls) + 1.0);
      const double std = std::exp(log_std);
      const double eps = rng.Normal();
      const double y = std::tanh(mean + std * eps);
      out.noise[o] = static_cast<float>(eps);
      out.std[o] = static_cast<float>(std);
      out.squashed[o] = static_cast<float>(y);
      out.raw_log_std[o] = static_cast<float>(raw_ls);
      out.actions[o] = static_cast<float>(y * s.scale[j] + s.bias[j]);
      logprob += -0.5 * eps * eps - log_std - half_log_2pi -
                 std::log(s.scale[j] * (1.0 - y * y) + kSquashEps);
    }
    out.logprobs[i] = static_cast<float>(logprob);
  }
}

void MeanAction(const float* raw, int64_t batch, const SquashSettings& s, std::span<float> out) {
  const int64_t a = static_cast<int64_t>(s.scale.size());
  RLAB_CHECK(out.size() == static_cast<size_t>(batch * a), "MeanAction: out must be [{}, {}]",
             batch, a);
  for (int64_t i = 0; i < batch; ++i) {
    for (int64_t j = 0; j < a; ++j) {
      out[i * a + j] = static_cast<float>(std::tanh(raw[i * 2 * a + j]) * s.scale[j] + s.bias[j]);
    }
  }
}

void SquashedBackward(const SquashedSample& sample, double w_logprob,
                      std::span<const float> d_actions, const SquashSettings& s,
                      std::span<float> d_raw) {
  const int64_t b = sample.batch, a = sample.dim;
  RLAB_CHECK(d_actions.size() == static_cast<size_t>(b * a) &&
                 d_raw.size() == static_cast<size_t>(b * 2 * a),
             "SquashedBackward: shapes do not match the sample");
  const double half_range = 0.5 * (s.log_std_max - s.log_std_min);
  for (int64_t i = 0; i < b; ++i) {
    for (int64_t j = 0; j < a; ++j) {
      const int64_t o = i * a + j;
      const double y = sample.squashed[o];
      const double jac = s.scale[j] * (1.0 - y * y);  // d action / d x
      // d logprob / dx comes only from the squashing term -log(scale (1 - y^2) + eps).
      const double d_logprob_dx = 2.0 * y * jac / (jac + kSquashEps);
      const double d_x = w_logprob * d_logprob_dx + d_actions[o] * jac;
      const double t = std::tanh(sample.raw_log_std[o]);
      const double d_log_std = d_x * sample.std[o] * sample.noise[o] - w_logprob;
      d_raw[i * 2 * a + j] = static_cast<float>(d_x);
      d_raw[i * 2 * a + a + j] = static_cast<float>(d_log_std * half_range * (1.0 - t * t));
    }
  }
}

}  // namespace rlab::rl
