#include "rlab/rl/tabular/md3qn.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "rlab/core/check.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

WeightedPoints WeightedPoints::Uniform(int64_t dim, std::vector<double> points) {
  RLAB_CHECK(dim > 0 && !points.empty() && points.size() % dim == 0,
             "particles: {} numbers do not make points of dimension {}", points.size(), dim);
  const int64_t n = static_cast<int64_t>(points.size()) / dim;
  return {dim, std::move(points), std::vector<double>(n, 1.0 / static_cast<double>(n))};
}

double GaussianKernel::operator()(const double* x, const double* y, int64_t dim) const {
  double squared = 0.0;
  for (int64_t d = 0; d < dim; ++d) squared += (x[d] - y[d]) * (x[d] - y[d]);
  return std::exp(-squared / (2.0 * bandwidth * bandwidth));
}

namespace {

// E k(x, y) with x ~ X and y ~ Y under their weights.
double MeanKernel(const WeightedPoints& x, const WeightedPoints& y, const GaussianKernel& kernel) {
  double total = 0.0;
  for (int64_t i = 0; i < x.size(); ++i) {
    for (int64_t j = 0; j < y.size(); ++j) {
      total += x.weights[i] * y.weights[j] * kernel(x.point(i), y.point(j), x.dim);
    }
  }
  return total;
}

}  // namespace

double MmdSquared(const WeightedPoints& x, const WeightedPoints& y, const GaussianKernel& kernel) {
  RLAB_CHECK(x.dim == y.dim, "MMD between points of dimension {} and {}", x.dim, y.dim);
  return MeanKernel(x, x, kernel) + MeanKernel(y, y, kernel) - 2.0 * MeanKernel(x, y, kernel);
}

std::vector<double> BellmanTarget(const double* reward, double gamma,
                                  const std::vector<double>& next_particles, int64_t dim) {
  std::vector<double> target(next_particles.size());
  for (size_t i = 0; i < target.size(); ++i) {
    target[i] = reward[i % dim] + gamma * next_particles[i];
  }
  return target;
}

void MmdParticleStep(std::vector<double>& particles, const std::vector<double>& target, int64_t dim,
                     const GaussianKernel& kernel, double step) {
  const int64_t n = static_cast<int64_t>(particles.size()) / dim;
  const int64_t m = static_cast<int64_t>(target.size()) / dim;
  const double inv_h2 = 1.0 / (kernel.bandwidth * kernel.bandwidth);
  // (n / 2) d MMD^2 / d z_i = (1/n) sum_j grad k(z_i, z_j) - (1/m) sum_j grad k(z_i, t_j), where
  // grad k(x, y) = -k(x, y) (x - y) / h^2 is the gradient in x.
  std::vector<double> gradient(particles.size(), 0.0);  // [n, dim]
  auto accumulate = [&](int64_t i, const double* other, double scale) {
    const double* z = &particles[i * dim];
    const double k = kernel(z, other, dim);
    for (int64_t d = 0; d < dim; ++d) {
      gradient[i * dim + d] -= scale * k * (z[d] - other[d]) * inv_h2;
    }
  };
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) accumulate(i, &particles[j * dim], 1.0 / n);
    for (int64_t j = 0; j < m; ++j) accumulate(i, &target[j * dim], -1.0 / m);
  }
  for (size_t i = 0; i < particles.size(); ++i) particles[i] -= step * gradient[i];
}

std::vector<std::vector<double>> LearnJointParticles(const MultiChannelMdp& mdp,
                                                     const std::vector<double>& policy,
                                                     const JointParticleOptions& options,
                                                     Rng& rng) {
  RLAB_CHECK(options.particles > 0 && options.iterations > 0 && options.step > 0.0,
             "joint particles: particles, iterations and step must be positive");
  const int64_t S = mdp.num_states, A = mdp.num_actions, C = mdp.num_channels;
  std::vector<std::vector<double>> table(S * A);  // [S * A] of [n, C]
  for (auto& particles : table) {
    particles.resize(options.particles * C);
    for (double& z : particles) z = rng.Normal(0.0, options.init_std);
  }
  for (int64_t k = 0; k < options.iterations; ++k) {
    const double step = options.step * (1.0 - static_cast<double>(k) / options.iterations);
    for (int64_t s = 0; s < S; ++s) {
      for (int64_t a = 0; a < A; ++a) {
        const int64_t next = mdp.SampleNext(s, a, rng);
        const int64_t next_action = SampleAction(policy, A, next, rng);
        const std::vector<double> target =
            BellmanTarget(mdp.R(s, a, next), mdp.gamma, table[next * A + next_action], C);
        MmdParticleStep(table[s * A + a], target, C, options.kernel, step);
      }
    }
  }
  return table;
}

namespace {

// Appends the atoms of the return from (s, a), each weighted by `probability` and shifted by
// `offset` + `discount` * return.
void EnumerateReturns(const MultiChannelMdp& mdp, const std::vector<double>& policy, int64_t s,
                      int64_t a, double probability, const std::vector<double>& offset,
                      double discount, int64_t depth_left, WeightedPoints& out) {
  RLAB_CHECK(depth_left > 0,
             "exact joint return: a path from state {} is longer than the depth limit; the MDP "
             "must be acyclic apart from absorbing zero-reward states",
             s);
  const int64_t C = mdp.num_channels;
  for (int64_t next = 0; next < mdp.num_states; ++next) {
    const double p = mdp.P(s, a, next);
    if (p == 0.0) continue;
    std::vector<double> shifted(offset);
    for (int64_t c = 0; c < C; ++c) shifted[c] += discount * mdp.R(s, a, next)[c];
    if (mdp.IsAbsorbingZero(next)) {
      out.points.insert(out.points.end(), shifted.begin(), shifted.end());
      out.weights.push_back(probability * p);
      continue;
    }
    for (int64_t b = 0; b < mdp.num_actions; ++b) {
      const double pi = policy[next * mdp.num_actions + b];
      if (pi == 0.0) continue;
      EnumerateReturns(mdp, policy, next, b, probability * p * pi, shifted, discount * mdp.gamma,
                       depth_left - 1, out);
    }
  }
}

}  // namespace

WeightedPoints ExactJointReturn(const MultiChannelMdp& mdp, const std::vector<double>& policy,
                                int64_t s, int64_t a, int64_t max_depth) {
  WeightedPoints out;
  out.dim = mdp.num_channels;
  if (mdp.IsAbsorbingZero(s)) {
    out.points.assign(out.dim, 0.0);
    out.weights = {1.0};
    return out;
  }
  EnumerateReturns(mdp, policy, s, a, 1.0, std::vector<double>(out.dim, 0.0), 1.0, max_depth, out);
  return out;
}

WeightedPoints Marginal(const WeightedPoints& joint, int64_t c) {
  RLAB_CHECK(c >= 0 && c < joint.dim, "marginal of channel {} of a {}-channel return", c,
             joint.dim);
  WeightedPoints out{1, {}, joint.weights};
  for (int64_t i = 0; i < joint.size(); ++i) out.points.push_back(joint.point(i)[c]);
  return out;
}

WeightedPoints ProductOfMarginals(const std::vector<WeightedPoints>& marginals) {
  WeightedPoints out{0, {}, {1.0}};
  for (const WeightedPoints& marginal : marginals) {
    RLAB_CHECK(marginal.dim == 1, "product of marginals: a marginal has dimension {}",
               marginal.dim);
    WeightedPoints next{out.dim + 1, {}, {}};
    for (int64_t i = 0; i < out.size(); ++i) {
      for (int64_t j = 0; j < marginal.size(); ++j) {
        next.points.insert(next.points.end(), out.points.begin() + i * out.dim,
                           out.points.begin() + (i + 1) * out.dim);
        next.points.push_back(marginal.points[j]);
        next.weights.push_back(out.weights[i] * marginal.weights[j]);
      }
    }
    out = std::move(next);
  }
  return out;
}

double Correlation(const WeightedPoints& joint, int64_t c0, int64_t c1) {
  double mean0 = 0.0, mean1 = 0.0;
  for (int64_t i = 0; i < joint.size(); ++i) {
    mean0 += joint.weights[i] * joint.point(i)[c0];
    mean1 += joint.weights[i] * joint.point(i)[c1];
  }
  double var0 = 0.0, var1 = 0.0, cov = 0.0;
  for (int64_t i = 0; i < joint.size(); ++i) {
    const double d0 = joint.point(i)[c0] - mean0, d1 = joint.point(i)[c1] - mean1;
    var0 += joint.weights[i] * d0 * d0;
    var1 += joint.weights[i] * d1 * d1;
    cov += joint.weights[i] * d0 * d1;
  }
  constexpr double kNoVariance = 1e-12;
  if (var0 <= kNoVariance || var1 <= kNoVariance) return 0.0;
  return cov / std::sqrt(var0 * var1);
}

namespace {

// The study's task. States: 0 start, 1 anti fork, 2 co fork, 3 and 4 absorbing ends. From the
// start, action 0 leads to the anti fork and action 1 to the co fork (reward 0). The anti fork
// pays (1, 0) or (0, 1) with probability 1/2 each; the co fork pays (1, 1) or (0, 0). Both forks
// have the same marginals (each channel Bernoulli(1/2)) and opposite correlations (-1, +1), so
// only a joint model tells them apart; under the uniform policy the start's two channels are
// uncorrelated.
enum ForkState : int64_t { kStart = 0, kAntiFork = 1, kCoFork = 2, kEndA = 3, kEndB = 4 };

MultiChannelMdp MakeForkedChannelsMdp(double gamma) {
  MultiChannelMdp mdp(5, 2, 2, gamma);
  mdp.initial[kStart] = 1.0;
  mdp.P(kStart, 0, kAntiFork) = 1.0;
  mdp.P(kStart, 1, kCoFork) = 1.0;
  const double anti[2][2] = {{1.0, 0.0}, {0.0, 1.0}};
  const double co[2][2] = {{1.0, 1.0}, {0.0, 0.0}};
  for (int64_t a = 0; a < 2; ++a) {
    for (int64_t branch = 0; branch < 2; ++branch) {
      const int64_t end = branch == 0 ? kEndA : kEndB;
      mdp.P(kAntiFork, a, end) = 0.5;
      mdp.P(kCoFork, a, end) = 0.5;
      for (int64_t c = 0; c < 2; ++c) {
        mdp.R(kAntiFork, a, end)[c] = anti[branch][c];
        mdp.R(kCoFork, a, end)[c] = co[branch][c];
      }
    }
    mdp.P(kEndA, a, kEndA) = 1.0;
    mdp.P(kEndB, a, kEndB) = 1.0;
  }
  mdp.Validate();
  return mdp;
}

class JointReturnStudy : public Study {
 public:
  JointReturnStudy(JointParticleOptions options, double gamma) : options_(options), gamma_(gamma) {}

  std::string Property() const override {
    return "MD3QN's particles learn the joint return distribution over two reward channels: MMD "
           "to the exact joint and the channels' correlation at a fork where they are "
           "anti-correlated and one where they are co-related, against per-channel marginals "
           "learned alone (their implied joint is the product, correlation 0; their marginals "
           "are as good)";
  }

  StudyResult Run(uint64_t seed) const override {
    const MultiChannelMdp mdp = MakeForkedChannelsMdp(gamma_);
    const int64_t S = mdp.num_states, A = mdp.num_actions, C = mdp.num_channels;
    const std::vector<double> policy(S * A, 1.0 / static_cast<double>(A));
    Rng rng(DeriveSeed(seed, "md3qn"));
    const auto joint = LearnJointParticles(mdp, policy, options_, rng);
    std::vector<std::vector<std::vector<double>>> marginals;  // [C] of [S * A] of [n, 1]
    for (int64_t c = 0; c < C; ++c) {
      marginals.push_back(LearnJointParticles(mdp.Channel(c), policy, options_, rng));
    }
    auto independent = [&](int64_t sa) {
      std::vector<WeightedPoints> parts;
      for (int64_t c = 0; c < C; ++c) parts.push_back(WeightedPoints::Uniform(1, marginals[c][sa]));
      return ProductOfMarginals(parts);
    };
    auto true_marginals_product = [&](const WeightedPoints& truth) {
      std::vector<WeightedPoints> parts;
      for (int64_t c = 0; c < C; ++c) parts.push_back(Marginal(truth, c));
      return ProductOfMarginals(parts);
    };
    // Averages over the state-actions outside the absorbing ends.
    double joint_mmd = 0.0, independent_mmd = 0.0, floor_mmd = 0.0;
    double joint_marginal_mmd = 0.0, independent_marginal_mmd = 0.0;  // mean over channels too
    const auto mmd = [&](const WeightedPoints& x, const WeightedPoints& y) {
      return std::sqrt(std::max(0.0, MmdSquared(x, y, options_.kernel)));
    };
    int64_t pairs = 0;
    for (int64_t s = 0; s < S; ++s) {
      if (mdp.IsAbsorbingZero(s)) continue;
      for (int64_t a = 0; a < A; ++a, ++pairs) {
        const WeightedPoints truth = ExactJointReturn(mdp, policy, s, a);
        const WeightedPoints learned = WeightedPoints::Uniform(C, joint[s * A + a]);
        joint_mmd += mmd(learned, truth);
        independent_mmd += mmd(independent(s * A + a), truth);
        floor_mmd += mmd(true_marginals_product(truth), truth);
        for (int64_t c = 0; c < C; ++c) {
          joint_marginal_mmd += mmd(Marginal(learned, c), Marginal(truth, c)) / C;
          independent_marginal_mmd +=
              mmd(WeightedPoints::Uniform(1, marginals[c][s * A + a]), Marginal(truth, c)) / C;
        }
      }
    }
    StudyResult result;
    auto& f = result.figures;
    for (const auto& [name, s] : {std::pair<std::string, int64_t>{"anti", kAntiFork},
                                  std::pair<std::string, int64_t>{"co", kCoFork}}) {
      f.emplace_back("true_correlation_" + name,
                     Correlation(ExactJointReturn(mdp, policy, s, 0), 0, 1));
      f.emplace_back("md3qn_correlation_" + name,
                     Correlation(WeightedPoints::Uniform(C, joint[s * A]), 0, 1));
      f.emplace_back("independent_correlation_" + name, Correlation(independent(s * A), 0, 1));
    }
    f.emplace_back("md3qn_mmd", joint_mmd / pairs);
    f.emplace_back("independent_mmd", independent_mmd / pairs);
    f.emplace_back("true_marginals_product_mmd", floor_mmd / pairs);
    f.emplace_back("md3qn_marginal_mmd", joint_marginal_mmd / pairs);
    f.emplace_back("independent_marginal_mmd", independent_marginal_mmd / pairs);
    return result;
  }

 private:
  JointParticleOptions options_;
  double gamma_;
};

}  // namespace

StudyRegistry::Entry Md3qnStudy() {
  const JointParticleOptions d;
  return {"md3qn",
          "MD3QN (arXiv:2110.13578): joint return distribution over reward channels by MMD",
          {{"particles", std::to_string(d.particles), "particles per state-action"},
           {"iterations", std::to_string(d.iterations),
            "sweeps over every state-action, one sampled transition each"},
           {"step", fmt::format("{}", d.step), "particle step size, decayed linearly to 0"},
           {"bandwidth", fmt::format("{}", d.kernel.bandwidth),
            "Gaussian kernel bandwidth of the MMD (training and evaluation)"},
           {"gamma", "0.9", "discount"}},
          [](const SpecArgs& args) -> std::unique_ptr<Study> {
            JointParticleOptions options;
            options.particles = args.Get<int64_t>("particles");
            options.iterations = args.Get<int64_t>("iterations");
            options.step = args.Get<double>("step");
            options.kernel.bandwidth = args.Get<double>("bandwidth");
            RLAB_CHECK(options.kernel.bandwidth > 0.0, "md3qn: bandwidth must be positive, got {}",
                       options.kernel.bandwidth);
            return std::make_unique<JointReturnStudy>(options, args.Get<double>("gamma"));
          }};
}

}  // namespace rlab::rl::tabular
