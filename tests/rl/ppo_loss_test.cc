// PPO's loss and its hand-written output gradients against the same loss in libtorch ops
// (CleanRL's formulation) differentiated by autograd, in double precision.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/rl/ppo_loss.h"

namespace rlab::rl {
namespace {

struct Case {
  bool discrete;
  bool clip_vloss;
  double ent_coef;
};

class PpoLossMatchesAutograd : public ::testing::TestWithParam<Case> {};

torch::Tensor Floats(const torch::Tensor& t) { return t.to(torch::kFloat).contiguous(); }

TEST_P(PpoLossMatchesAutograd, LossAndGradients) {
  const Case c = GetParam();
  torch::manual_seed(11);
  const int64_t m = 64, k = 3;
  const auto opts = torch::TensorOptions().dtype(torch::kDouble);
  // Inputs rounded to float first, so that both sides see identical numbers.
  torch::Tensor out = Floats(torch::randn({m, k}, opts)).to(torch::kDouble).requires_grad_();
  torch::Tensor log_std = Floats(0.3 * torch::randn({k}, opts)).to(torch::kDouble).requires_grad_();
  torch::Tensor values = Floats(torch::randn({m}, opts)).to(torch::kDouble).requires_grad_();
  const torch::Tensor actions = c.discrete ? torch::randint(0, k, {m}, opts)
                                           : Floats(torch::randn({m, k}, opts)).to(torch::kDouble);
  const torch::Tensor adv = Floats(torch::randn({m}, opts)).to(torch::kDouble);
  const torch::Tensor returns = Floats(torch::randn({m}, opts)).to(torch::kDouble);
  const torch::Tensor old_values =
      Floats(values.detach() + 0.3 * torch::randn({m}, opts)).to(torch::kDouble);

  torch::Tensor logp, entropy;
  if (c.discrete) {
    const torch::Tensor lp = torch::log_softmax(out, 1);
    logp = lp.gather(1, actions.to(torch::kLong).unsqueeze(1)).squeeze(1);
    entropy = -(lp.exp() * lp).sum(1);
  } else {
    const torch::Tensor std = log_std.exp();
    logp = (-(actions - out).pow(2) / (2 * std.pow(2)) - log_std - 0.5 * std::log(2 * M_PI)).sum(1);
    entropy = (0.5 + 0.5 * std::log(2 * M_PI) + log_std).sum().expand({m});
  }
  // Old log-probs near the new ones, some far enough to be clipped.
  const torch::Tensor old_logp =
      Floats(logp.detach() + 0.3 * torch::randn({m}, opts)).to(torch::kDouble);
  const torch::Tensor ratio = (logp - old_logp).exp();
  const torch::Tensor pg = torch::max(-adv * ratio, -adv * torch::clamp(ratio, 0.8, 1.2)).mean();
  torch::Tensor v_loss;
  if (c.clip_vloss) {
    const torch::Tensor unclipped = (values - returns).pow(2);
    const torch::Tensor v_clip = old_values + torch::clamp(values - old_values, -0.2, 0.2);
    v_loss = 0.5 * torch::max(unclipped, (v_clip - returns).pow(2)).mean();
  } else {
    v_loss = 0.5 * (values - returns).pow(2).mean();
  }
  const torch::Tensor loss = pg - c.ent_coef * entropy.mean() + 0.5 * v_loss;
  loss.backward();

  const torch::Tensor f_out = Floats(out.detach()), f_ls = Floats(log_std.detach()),
                      f_v = Floats(values.detach()), f_a = Floats(actions),
                      f_old = Floats(old_logp), f_adv = Floats(adv), f_ret = Floats(returns),
                      f_oldv = Floats(old_values);
  PpoMinibatch b{m,
                 k,
                 c.discrete,
                 f_out.data_ptr<float>(),
                 f_ls.data_ptr<float>(),
                 f_v.data_ptr<float>(),
                 f_a.data_ptr<float>(),
                 f_old.data_ptr<float>(),
                 f_adv.data_ptr<float>(),
                 f_ret.data_ptr<float>(),
                 f_oldv.data_ptr<float>()};
  PpoLossGrads g;
  const PpoLossStats st = PpoLoss(
      b, {.clip_coef = 0.2, .clip_vloss = c.clip_vloss, .ent_coef = c.ent_coef, .vf_coef = 0.5}, g);
  EXPECT_NEAR(st.loss, loss.item<double>(), 1e-5);
  EXPECT_NEAR(st.pg_loss, pg.item<double>(), 1e-5);
  EXPECT_NEAR(st.v_loss, v_loss.item<double>(), 1e-5);
  EXPECT_NEAR(st.entropy, entropy.mean().item<double>(), 1e-5);
  EXPECT_GT(st.clipfrac, 0.0);  // the case exercises clipping
  const torch::Tensor d_out = torch::from_blob(g.d_policy_out.data(), {m, k}).to(torch::kDouble);
  const torch::Tensor d_v = torch::from_blob(g.d_values.data(), {m}).to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(d_out, out.grad(), 1e-4, 1e-6)) << (d_out - out.grad()).abs().max();
  EXPECT_TRUE(torch::allclose(d_v, values.grad(), 1e-4, 1e-6));
  if (!c.discrete) {
    const torch::Tensor d_ls = torch::from_blob(g.d_log_std.data(), {k}).to(torch::kDouble);
    EXPECT_TRUE(torch::allclose(d_ls, log_std.grad(), 1e-4, 1e-6)) << d_ls << log_std.grad();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PpoLossMatchesAutograd,
                         ::testing::Values(Case{true, true, 0.01}, Case{true, false, 0.0},
                                           Case{false, true, 0.0}, Case{false, false, 0.05}));

}  // namespace
}  // namespace rlab::rl
