// SAC's squashed Gaussian: log-probabilities against the change-of-variables formula and
// gradients against autograd through CleanRL's formulation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/rng.h"
#include "rlab/rl/squashed_gaussian.h"

namespace rlab::rl {
namespace {

TEST(SquashedGaussian, SampleAndBackwardMatchAutograd) {
  const int64_t b = 16, a = 2;
  SquashSettings s{
      .log_std_min = -5, .log_std_max = 2, .scale = {2.0f, 0.5f}, .bias = {0.0f, 0.25f}};
  torch::manual_seed(4);
  // Away from saturation (|tanh(x)| near 1), where float and double Jacobians part ways.
  const torch::Tensor raw_f =
      torch::cat({0.5 * torch::randn({b, a}), 0.5 * torch::randn({b, a}) - 0.5}, 1).contiguous();
  Rng rng(9);
  SquashedSample sample;
  SampleSquashed(raw_f.data_ptr<float>(), b, s, rng, sample);

  // The same computation in libtorch with the same noise.
  torch::Tensor raw = raw_f.to(torch::kDouble).requires_grad_();
  const torch::Tensor eps = torch::from_blob(sample.noise.data(), {b, a}).to(torch::kDouble);
  const torch::Tensor scale = torch::tensor({2.0, 0.5}, torch::kDouble);
  const torch::Tensor bias = torch::tensor({0.0, 0.25}, torch::kDouble);
  const torch::Tensor mean = raw.slice(1, 0, a);
  const torch::Tensor log_std = -5 + 0.5 * 7 * (torch::tanh(raw.slice(1, a)) + 1);
  const torch::Tensor std = log_std.exp();
  const torch::Tensor x = mean + std * eps;
  const torch::Tensor y = torch::tanh(x);
  const torch::Tensor action = y * scale + bias;
  const torch::Tensor normal_lp =
      -(x - mean).pow(2) / (2 * std.pow(2)) - log_std - 0.5 * std::log(2 * M_PI);
  const torch::Tensor logp = (normal_lp - torch::log(scale * (1 - y.pow(2)) + 1e-6)).sum(1);

  const torch::Tensor lp_ours = torch::from_blob(sample.logprobs.data(), {b}).to(torch::kDouble);
  const torch::Tensor act_ours = torch::from_blob(sample.actions.data(), {b, a}).to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(lp_ours, logp.detach(), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(act_ours, action.detach(), 1e-5, 1e-6));

  // L = sum_i (w logp_i + <c_i, action_i>) for an arbitrary c.
  const double w = 0.7;
  const torch::Tensor c = torch::randn({b, a}, torch::kDouble);
  (w * logp.sum() + (c * action).sum()).backward();
  const torch::Tensor c_f = c.to(torch::kFloat).contiguous();
  std::vector<float> d_raw(b * 2 * a);
  SquashedBackward(sample, w, std::span<const float>(c_f.data_ptr<float>(), b * a), s, d_raw);
  const torch::Tensor ours = torch::from_blob(d_raw.data(), {b, 2 * a}).to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(ours, raw.grad(), 1e-3, 1e-4)) << (ours - raw.grad()).abs().max();
}

TEST(SquashedGaussian, MeanActionIsTanhOfMeanInBounds) {
  SquashSettings s{.scale = {2.0f}, .bias = {1.0f}};
  const std::vector<float> raw = {0.5f, -1.0f, 100.0f, 3.0f};  // two rows: (mean, raw log std)
  std::vector<float> out(2);
  MeanAction(raw.data(), 2, s, out);
  EXPECT_NEAR(out[0], std::tanh(0.5) * 2 + 1, 1e-6);
  EXPECT_NEAR(out[1], 3.0, 1e-6);  // saturates at the upper bound
}

}  // namespace
}  // namespace rlab::rl
