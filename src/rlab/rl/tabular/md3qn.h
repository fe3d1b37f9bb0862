// MD3QN in a table: the joint distribution of the return vector over reward channels, learned
// as particles per state-action by minimising the MMD to the distributional Bellman target.
// Zhang, Chen, Zhao, Xiong, Qin and Liu, "Distributional Reinforcement Learning for
// Multi-Dimensional Reward Functions", NeurIPS 2021, arXiv:2110.13578.
//
// Here: policy evaluation of a fixed policy on a finite MDP with channelled rewards, against
// the exact joint return distribution (enumerated), and against the baseline that learns each
// channel's marginal on its own, whose implied joint is the product of the marginals.
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/rl/tabular/multi_channel_mdp.h"

namespace rlab::rl::tabular {

// A distribution of return vectors on finitely many points: learned particles (equal weights)
// or the exact atoms of a return distribution.
struct WeightedPoints {
  int64_t dim = 0;
  std::vector<double> points;   // [n, dim]
  std::vector<double> weights;  // [n], summing to 1

  int64_t size() const { return static_cast<int64_t>(weights.size()); }
  const double* point(int64_t i) const { return &points[i * dim]; }
  // Equal weights on `points` [n, dim].
  static WeightedPoints Uniform(int64_t dim, std::vector<double> points);
};

// k(x, y) = exp(-|x - y|^2 / (2 h^2)), h = bandwidth.
struct GaussianKernel {
  double bandwidth = 1.0;
  double operator()(const double* x, const double* y, int64_t dim) const;
};

// MMD^2(X, Y) = E k(x, x') + E k(y, y') - 2 E k(x, y) under the points' weights.
double MmdSquared(const WeightedPoints& x, const WeightedPoints& y, const GaussianKernel& kernel);

// The distributional Bellman target of one transition: r + gamma z for each particle z of the
// next state-action; reward [dim], next particles [n, dim] -> [n, dim].
std::vector<double> BellmanTarget(const double* reward, double gamma,
                                  const std::vector<double>& next_particles, int64_t dim);

// One gradient step on the particles [n, dim] towards the target particles [m, dim]: each
// particle moves by -step * (n / 2) d MMD^2 / d particle, so that the step per particle does
// not shrink with n.
void MmdParticleStep(std::vector<double>& particles, const std::vector<double>& target, int64_t dim,
                     const GaussianKernel& kernel, double step);

struct JointParticleOptions {
  int64_t particles = 32;
  int64_t iterations = 2000;  // sweeps over every state-action, one sampled transition each
  double step = 0.2;          // particle step size, decayed linearly to 0 over the sweeps
  double init_std = 0.1;      // particles start as Normal(0, init_std) on every channel
  GaussianKernel kernel{.bandwidth = 1.0};
};

// Particles [S, A] -> [n, C] of the joint return distribution of `policy` [S, A] (a plain
// vector), learned by sampled distributional TD with the MMD loss.
std::vector<std::vector<double>> LearnJointParticles(const MultiChannelMdp& mdp,
                                                     const std::vector<double>& policy,
                                                     const JointParticleOptions& options, Rng& rng);

// The exact distribution of the discounted return vector from (s, a) under `policy`, by
// enumerating every path until it enters an absorbing zero-reward state. Throws when a path is
// longer than max_depth (the MDP must be acyclic apart from those states).
WeightedPoints ExactJointReturn(const MultiChannelMdp& mdp, const std::vector<double>& policy,
                                int64_t s, int64_t a, int64_t max_depth = 64);

// The marginal of channel c: points [n, 1] with the same weights.
WeightedPoints Marginal(const WeightedPoints& joint, int64_t c);
// The product of one-dimensional marginals: every combination, weights multiplied.
WeightedPoints ProductOfMarginals(const std::vector<WeightedPoints>& marginals);
// Pearson correlation of channels c0 and c1; 0 when either has zero variance.
double Correlation(const WeightedPoints& joint, int64_t c0, int64_t c1);

}  // namespace rlab::rl::tabular
