// Performative reinforcement learning: the deployed policy changes the rewards and the
// dynamics it then faces, and repeated retraining (solve the regularised problem in the
// environment the last policy induced, deploy, repeat) is run to its fixed point, the
// performatively stable policy. "Performative Reinforcement Learning" (Mandal, Triantafyllou
// and Radanovic, ICML 2023, arXiv:2207.00046).
//
// The environment's response to an occupancy d [S, A] (unnormalised, as in the paper):
//   r_d(s, a)       = r0(s, a) - eps_r d(s, a)                       (congestion of rewards)
//   P_d(s' | s, a)  ∝ P0(s' | s, a) exp(-eps_p sum_a' d(s', a'))    (crowded states repel)
// so ||r_d - r_d'||_2 = eps_r ||d - d'||_2, and, the softmax's Jacobian having spectral norm at
// most 1/2, ||P_d - P_d'||_2 (all entries) <= eps_p sqrt(S A) sqrt(A) / 2 ||d - d'||_2: the
// sensitivities of the paper's Assumption 1.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace rlab::rl::tabular {

struct PerformativeMdp {
  torch::Tensor base_transitions;  // [S, A, S] P0
  torch::Tensor base_rewards;      // [S, A] r0
  torch::Tensor initial;           // [S]
  double gamma = 0.9;
  double reward_sensitivity = 1.0;      // eps_r >= 0
  double transition_sensitivity = 1.0;  // eps_p >= 0
};

struct InducedEnvironment {
  torch::Tensor transitions;  // [S, A, S] P_d
  torch::Tensor rewards;      // [S, A] r_d
};

// The environment an occupancy d [S, A] induces.
InducedEnvironment Respond(const PerformativeMdp& mdp, const torch::Tensor& occupancy);

// The Lipschitz constant eps_p of P_d in d (the bound in this file's top comment).
double TransitionSensitivityBound(const PerformativeMdp& mdp);

// The paper's sufficient regularisation for repeated retraining to converge (Theorem 1):
// lambda >= 12 S^{3/2} (2 eps_r + 5 S eps_p) / (1 - gamma)^4.
double PaperRegularisationThreshold(const PerformativeMdp& mdp);

// The regularised optimum of one environment: the occupancy QP for lambda > 0, and for
// lambda = 0 the occupancy of a greedy optimal policy (value iteration).
torch::Tensor OptimalOccupancy(const PerformativeMdp& mdp, const InducedEnvironment& env,
                               double lambda);

struct RepeatedRetrainingResult {
  std::vector<double> steps;    // ||d_{t+1} - d_t||_2 for t = 0 .. rounds - 1
  torch::Tensor occupancy;      // [S, A] the last iterate d_T
  double two_round_step = 0.0;  // ||d_T - d_{T-2}||_2: 0 on a two-cycle (oscillation)
  // How much better the last policy could do in the environment it induces, frozen: the
  // regularised objective of that environment's optimum minus that of the last policy's
  // occupancy there (>= 0; 0 at a performatively stable point).
  double stability_gap = 0.0;
};

// d_0 is the uniform policy's occupancy under P0; d_{t+1} = OptimalOccupancy(Respond(d_t)).
RepeatedRetrainingResult RepeatedRetraining(const PerformativeMdp& mdp, double lambda,
                                            int64_t rounds);

// exp(slope) of the least-squares line through log(step_t) over the steps above `floor`: the
// geometric rate of the iterates' differences (about 1 when they do not shrink). 0 when fewer
// than two steps are above the floor (converged to the floor within a round).
double GeometricRate(const std::vector<double>& steps, double floor);

}  // namespace rlab::rl::tabular
