// Paper: "Performative Reinforcement Learning", arXiv:2207.00046 (see occupancy_qp.h).
#include "rlab/rl/tabular/occupancy_qp.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::rl::tabular {

namespace et = rlab::envs::tabular;
namespace {

// The dual g(v) and its maximiser d(v), flattened [S*A].
struct DualPoint {
  torch::Tensor v;      // [S]
  torch::Tensor slack;  // [S*A] r - F^T v
  torch::Tensor d;      // [S*A] max(0, slack) / lambda
  double value = 0.0;   // g(v)
};

DualPoint Evaluate(const torch::Tensor& flow, const torch::Tensor& r, const torch::Tensor& mu0,
                   double lambda, torch::Tensor v) {
  DualPoint p;
  p.slack = r - torch::mv(flow.t(), v);
  p.d = p.slack.clamp_min(0.0) / lambda;
  p.value = 0.5 * lambda * p.d.dot(p.d).item<double>() + mu0.dot(v).item<double>();
  p.v = std::move(v);
  return p;
}

double FlowResidual(const torch::Tensor& flow, const torch::Tensor& mu0, const torch::Tensor& d) {
  return (torch::mv(flow, d) - mu0).abs().max().item<double>();
}

}  // namespace

torch::Tensor FlowMatrix(const torch::Tensor& transitions, double gamma) {
  const int64_t s = transitions.size(0);
  const int64_t a = transitions.size(1);
  const torch::Tensor identity =
      torch::eye(s, torch::kDouble).unsqueeze(2).expand({s, s, a});  // [S, S', A']
  return (identity - gamma * transitions.permute({2, 0, 1})).reshape({s, s * a});
}

OccupancyQpSolution SolveOccupancyQp(const torch::Tensor& transitions, const torch::Tensor& initial,
                                     double gamma, const torch::Tensor& rewards, double lambda,
                                     const OccupancyQpOptions& options) {
  et::CheckTransitions(transitions);
  et::CheckDiscount(gamma);
  const int64_t num_states = transitions.size(0);
  const int64_t num_actions = transitions.size(1);
  et::CheckDistribution("initial-state distribution", initial, num_states);
  RLAB_CHECK(lambda > 0.0 && std::isfinite(lambda),
             "occupancy QP: lambda must be positive and finite, got {}", lambda);
  RLAB_CHECK(rewards.dim() == 2 && rewards.size(0) == num_states &&
                 rewards.size(1) == num_actions && rewards.scalar_type() == torch::kDouble,
             "occupancy QP: rewards must be a double [S, A] = [{}, {}] tensor", num_states,
             num_actions);
  const torch::Tensor flow = FlowMatrix(transitions, gamma);  // [S, S*A]
  const torch::Tensor r = rewards.reshape({-1});              // [S*A]
  // Start with every entry active: v = -c 1 gives F^T v = -c (1 - gamma) < r - 1.
  const double c = (r.abs().max().item<double>() + 1.0) / (1.0 - gamma);
  DualPoint point =
      Evaluate(flow, r, initial, lambda, torch::full({num_states}, -c, torch::kDouble));
  const torch::Tensor eye = torch::eye(num_states, torch::kDouble);
  OccupancyQpSolution solution;
  for (int64_t it = 0;; ++it) {
    const torch::Tensor gradient = initial - torch::mv(flow, point.d);  // [S] minus the residual
    const double residual = gradient.abs().max().item<double>();
    if (residual <= options.tolerance) {
      solution.iterations = it;
      solution.residual = residual;
      break;
    }
    RLAB_CHECK(it < options.max_iterations,
               "occupancy QP: no convergence in {} Newton iterations (flow residual {}); "
               "raise max_iterations or lambda",
               options.max_iterations, residual);
    const torch::Tensor active = (point.slack > 0.0).to(torch::kDouble);  // [S*A]
    torch::Tensor hessian = torch::mm(flow * active, flow.t()) / lambda;  // [S, S]
    const double damping = 1e-12 * (1.0 + hessian.diagonal().max().item<double>());
    hessian = hessian + damping * eye;
    const torch::Tensor step =
        -torch::linalg::solve(hessian, gradient.unsqueeze(1), /*left=*/true).squeeze(1);
    // Backtracking along the Newton step until g decreases enough (Armijo) or, where g's
    // differences are below its rounding near the optimum, the flow residual shrinks.
    const double slope = gradient.dot(step).item<double>();
    double t = 1.0;
    DualPoint next = Evaluate(flow, r, initial, lambda, point.v + step);
    while (next.value > point.value + 1e-4 * t * slope && t > 1e-12 &&
           !(FlowResidual(flow, initial, next.d) < 0.5 * residual)) {
      t *= 0.5;
      next = Evaluate(flow, r, initial, lambda, point.v + t * step);
    }
    point = std::move(next);
  }
  solution.occupancy = point.d.reshape({num_states, num_actions});
  solution.duals = point.v;
  return solution;
}

double RegularisedObjective(const torch::Tensor& rewards, const torch::Tensor& occupancy,
                            double lambda) {
  return (rewards * occupancy).sum().item<double>() -
         0.5 * lambda * occupancy.square().sum().item<double>();
}

torch::Tensor PolicyOfOccupancy(const torch::Tensor& occupancy) {
  const torch::Tensor mass = occupancy.sum(1, /*keepdim=*/true);  // [S, 1]
  const torch::Tensor uniform = torch::full_like(occupancy, 1.0 / occupancy.size(1));
  return torch::where(mass > 0.0, occupancy / mass.clamp_min(1e-300), uniform);
}

}  // namespace rlab::rl::tabular
