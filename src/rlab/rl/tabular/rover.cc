#include "rlab/rl/tabular/rover.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

void CheckTreeQ(const TreeMdp& tree, const std::vector<double>& q) {
  RLAB_CHECK(static_cast<int64_t>(q.size()) == tree.NumInternal() * tree.branching,
             "tree Q has {} entries; the tree needs {} internal nodes x {} actions", q.size(),
             tree.NumInternal(), tree.branching);
}

int64_t GreedyTreeAction(const TreeMdp& tree, const std::vector<double>& q, int64_t node) {
  const auto row = q.begin() + node * tree.branching;
  return std::max_element(row, row + tree.branching) - row;
}

}  // namespace

std::vector<double> SoftmaxTreePolicy(const TreeMdp& tree, const std::vector<double>& scores,
                                      double temperature) {
  CheckTreeQ(tree, scores);
  RLAB_CHECK(temperature > 0.0, "softmax tree policy: temperature ({}) must be positive",
             temperature);
  const int64_t b = tree.branching;
  std::vector<double> policy(scores.size());
  for (int64_t s = 0; s < tree.NumInternal(); ++s) {
    const auto row = scores.begin() + s * b;
    const double top = *std::max_element(row, row + b);
    double total = 0.0;
    for (int64_t a = 0; a < b; ++a) {
      policy[s * b + a] = std::exp((row[a] - top) / temperature);
      total += policy[s * b + a];
    }
    for (int64_t a = 0; a < b; ++a) policy[s * b + a] /= total;
  }
  return policy;
}

std::vector<double> GreedyTreePolicy(const TreeMdp& tree, const std::vector<double>& q) {
  CheckTreeQ(tree, q);
  std::vector<double> policy(q.size(), 0.0);
  for (int64_t s = 0; s < tree.NumInternal(); ++s) {
    policy[s * tree.branching + GreedyTreeAction(tree, q, s)] = 1.0;
  }
  return policy;
}

double GreedyOptimalFraction(const TreeMdp& tree, const std::vector<double>& q) {
  CheckTreeQ(tree, q);
  const std::vector<double> optimal = OptimalValues(tree);
  int64_t solvable = 0;
  int64_t greedy_optimal = 0;
  for (int64_t s = 0; s < tree.NumInternal(); ++s) {
    if (optimal[s] <= 0.0) continue;  // every action is optimal where nothing is reachable
    ++solvable;
    if (optimal[tree.Child(s, GreedyTreeAction(tree, q, s))] > 0.0) ++greedy_optimal;
  }
  return static_cast<double>(greedy_optimal) / static_cast<double>(std::max<int64_t>(solvable, 1));
}

std::vector<double> EstimateUniformQ(const TreeMdp& tree, int64_t rollouts, Rng& rng) {
  RLAB_CHECK(rollouts >= 1, "uniform Q estimate: rollouts ({}) must be at least 1", rollouts);
  std::vector<int64_t> visits(static_cast<size_t>(tree.NumNodes()), 0);
  std::vector<int64_t> wins(static_cast<size_t>(tree.NumNodes()), 0);
  std::vector<int64_t> path;
  for (int64_t episode = 0; episode < rollouts; ++episode) {
    path.clear();
    int64_t node = 0;
    while (!tree.IsLeaf(node)) {
      node = tree.Child(node, rng.UniformInt(tree.branching));
      path.push_back(node);
    }
    const int64_t reward = tree.IsCorrectLeaf(node) ? 1 : 0;
    for (int64_t visited : path) {
      ++visits[visited];
      wins[visited] += reward;
    }
  }
  std::vector<double> q(static_cast<size_t>(tree.NumInternal() * tree.branching), 0.0);
  for (int64_t s = 0; s < tree.NumInternal(); ++s) {
    for (int64_t a = 0; a < tree.branching; ++a) {
      const int64_t child = tree.Child(s, a);
      if (visits[child] > 0) {
        q[s * tree.branching + a] =
            static_cast<double>(wins[child]) / static_cast<double>(visits[child]);
      }
    }
  }
  return q;
}

TreeSolutionStats SolutionStats(const TreeMdp& tree, const std::vector<double>& policy, int64_t k) {
  RLAB_CHECK(k >= 1, "solution stats: k ({}) must be at least 1", k);
  const std::vector<double> leaves = LeafDistribution(tree, policy);
  const double samples = static_cast<double>(k);
  TreeSolutionStats stats;
  for (int64_t l = 0; l < tree.NumLeaves(); ++l) {
    if (!tree.correct[l] || leaves[l] <= 0.0) continue;
    stats.pass_at_1 += leaves[l];
    // 1 - (1 - P)^k without cancellation for small P.
    stats.distinct_correct += -std::expm1(samples * std::log1p(-std::min(leaves[l], 1.0)));
  }
  stats.pass_at_k = -std::expm1(samples * std::log1p(-std::min(stats.pass_at_1, 1.0)));
  for (int64_t l = 0; l < tree.NumLeaves() && stats.pass_at_1 > 0.0; ++l) {
    if (!tree.correct[l] || leaves[l] <= 0.0) continue;
    const double share = leaves[l] / stats.pass_at_1;
    stats.correct_entropy -= share * std::log(share);
  }
  return stats;
}

double TemperatureForPass(const TreeMdp& tree, const std::vector<double>& q, double target_pass) {
  const auto pass = [&](double log_temperature) {
    return SolutionStats(tree, SoftmaxTreePolicy(tree, q, std::exp(log_temperature)), 1).pass_at_1;
  };
  double lo = std::log(kMinMatchedTemperature);  // pass(lo) >= target is kept true
  double hi = std::log(kMaxMatchedTemperature);
  if (pass(hi) >= target_pass) return kMaxMatchedTemperature;
  if (pass(lo) < target_pass) return kMinMatchedTemperature;
  for (int step = 0; step < 60; ++step) {
    const double mid = 0.5 * (lo + hi);
    (pass(mid) >= target_pass ? lo : hi) = mid;
  }
  return std::exp(lo);
}

}  // namespace rlab::rl::tabular
