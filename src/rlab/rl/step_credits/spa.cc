// credit spa(ridge=..): SPA-RL's stepwise progress attribution (Wang et al., "SPA-RL:
// Reinforcing LLM Agents via Stepwise Progress Attribution", arXiv:2505.20732): a progress
// estimator gives each step k of completion i a contribution c_ik, fitted so that a
// completion's contributions add up to its outcome reward R_i, and the contributions are the
// step rewards the policy learns from. Here the estimator is linear in the process source's
// step score p_ik (a PRM's, an implicit reward's, or gold's),
//   c_ik = a p_ik + b,  (a, b) = argmin sum_i (sum_k c_ik - R_i)^2 + ridge (a^2 + b^2),
// refitted in closed form on every batch, and the contributions enter as the returns
//   G_t = sum of c_ik over the steps ending at or after token t
// of step_returns.h (the outcome's group advantage plus G_t minus the group's leave-one-out
// whole return). The paper trains a language-model estimator across training and adds a
// grounding reward for executable actions; a two-parameter fit per batch is what a stateless
// credit can hold, and the task's steps have no grounding to check.
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/rl/step_credit.h"
#include "rlab/rl/step_credits/step_returns.h"

namespace rlab::rl {

namespace {

// The contributions [N, T] of the steps (on their positions, 0 elsewhere) under the linear
// progress estimator fitted to `outcome` [N].
torch::Tensor SpaContributions(const torch::Tensor& scores, const torch::Tensor& positions,
                               const torch::Tensor& outcome, double ridge) {
  const torch::Tensor on = positions.to(torch::kFloat64);             // [N, T]
  const torch::Tensor p = scores.to(torch::kFloat64) * on;            // [N, T]
  const torch::Tensor s = p.sum(1), k = on.sum(1);                    // [N], [N]
  const torch::Tensor r = outcome.to(torch::kFloat64).reshape({-1});  // [N]
  // Normal equations of the 2-parameter least squares on the features (s_i, k_i).
  const double ss = (s * s).sum().item<double>() + ridge, sk = (s * k).sum().item<double>();
  const double kk = (k * k).sum().item<double>() + ridge;
  const double sr = (s * r).sum().item<double>(), kr = (k * r).sum().item<double>();
  const double det = ss * kk - sk * sk;
  double a = 0, b = 0;
  if (det > 0 && std::isfinite(det)) {
    a = (kk * sr - sk * kr) / det;
    b = (ss * kr - sk * sr) / det;
  }
  return (a * p + b * on).to(torch::kFloat32);  // [N, T]
}

}  // namespace

StepCreditRegistry::Entry SpaStepCredit() {
  return {"spa",
          "outcome reward redistributed to steps by a linear progress estimator on the process "
          "scores whose step contributions sum to the outcome (SPA-RL, Wang et al., "
          "arXiv:2505.20732)",
          {{"ridge", "1e-6", "L2 penalty of the estimator's fit (keeps it defined on ties)"}},
          [](const SpecArgs& args) {
            const double ridge = args.Get<double>("ridge");
            RLAB_CHECK(ridge > 0 && std::isfinite(ridge),
                       "credit spa: key 'ridge' must be a finite number > 0, got {}", ridge);
            return MakeReturnCredit(
                fmt::format("spa(ridge={})", ridge), [ridge](const StepCreditInputs& in) {
                  RLAB_CHECK(in.outcome.defined() && in.outcome.numel() == in.mask.size(0),
                             "credit spa: outcome rewards must be [N] with "
                             "N = {}",
                             in.mask.size(0));
                  return SumFormReturns(
                      SpaContributions(in.process.rewards, in.process.positions, in.outcome, ridge),
                      in.process.positions);
                });
          }};
}

}  // namespace rlab::rl
