// The ROVER study (He et al., "Random Policy Valuation is Enough for LLM Reasoning with
// Verifiable Rewards", arXiv:2509.24981) on random tree MDPs: whether the greedy policy on the
// uniform policy's Q is optimal, and what ROVER's softmax policy on it finds (pass@1, pass@k,
// distinct correct leaves) against the optimal deterministic policy and a reward-maximising
// policy gradient run to convergence, with Q exact and estimated from uniform rollouts.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/core/value_parse.h"
#include "rlab/rl/tabular/rover.h"
#include "rlab/rl/tabular/rover_policy_gradient.h"
#include "rlab/rl/tabular/study.h"
#include "rlab/rl/tabular/tree_mdp.h"

namespace rlab::rl::tabular {

namespace {

struct RoverStudyOptions {
  TreeMdpOptions tree;
  std::vector<double> temperatures = {0.1, 0.03, 0.01};
  int64_t k = 8;
  int64_t rollouts = 1024;
  TreePolicyGradientOptions policy_gradient;
};

std::string FormatRoverTemperatures(const std::vector<double>& temperatures) {
  std::string out;
  for (double t : temperatures) out += (out.empty() ? "" : ",") + ValueCodec<double>::Format(t);
  return out;
}

std::vector<double> ParseRoverTemperatures(const std::string& text) {
  std::vector<double> temperatures;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t comma = std::min(text.find(',', begin), text.size());
    const double t = ValueCodec<double>::Parse(text.substr(begin, comma - begin),
                                               "study 'rover': key 'temperatures'");
    RLAB_CHECK(t > 0.0, "study rover: temperatures must be positive, got {} in '{}'", t, text);
    temperatures.push_back(t);
    begin = comma + 1;
  }
  return temperatures;
}

void AddRoverSolutionFigures(StudyResult& result, const std::string& prefix,
                             const TreeSolutionStats& stats) {
  result.figures.emplace_back(prefix + "_pass_at_1", stats.pass_at_1);
  result.figures.emplace_back(prefix + "_pass_at_k", stats.pass_at_k);
  result.figures.emplace_back(prefix + "_distinct_correct_k", stats.distinct_correct);
  result.figures.emplace_back(prefix + "_correct_entropy", stats.correct_entropy);
}

class RoverTreeStudy : public Study {
 public:
  explicit RoverTreeStudy(RoverStudyOptions options) : options_(std::move(options)) {
    RLAB_CHECK(options_.k >= 1, "study rover: k ({}) must be at least 1", options_.k);
    RLAB_CHECK(options_.rollouts >= 1, "study rover: rollouts ({}) must be at least 1",
               options_.rollouts);
    MakeTreeMdp(options_.tree);  // checks the tree's keys now rather than at Run
  }

  std::string Property() const override {
    return fmt::format(
        "on random trees (branching {}, depth {}, correct-leaf density {}) the greedy policy on "
        "the uniform policy's Q is optimal wherever a correct leaf is reachable "
        "(greedy_optimal_fraction = 1); ROVER's softmax on it (rover_tau_T_*, temperatures {}) "
        "is compared with the optimal policy and a policy gradient run to convergence (pg_*) on "
        "pass@1, pass@{}, distinct correct leaves in {} samples and the entropy of the correct "
        "leaf found, also at the temperature that matches the policy gradient's pass@1 "
        "(matched_*), and with Q estimated from {} uniform rollouts (learned_*)",
        options_.tree.branching, options_.tree.depth, options_.tree.density,
        FormatRoverTemperatures(options_.temperatures), options_.k, options_.k, options_.rollouts);
  }

  StudyResult Run(uint64_t seed) const override {
    TreeMdpOptions tree_options = options_.tree;
    tree_options.seed = DeriveSeed(seed, "rover_tree");
    const TreeMdp tree = MakeTreeMdp(tree_options);
    const std::vector<double> uniform_values = UniformPolicyValues(tree);
    const std::vector<double> q_uniform = QFromNodeValues(tree, uniform_values);
    const std::vector<double> q_optimal = QFromNodeValues(tree, OptimalValues(tree));
    const int64_t k = options_.k;

    StudyResult result;
    result.figures.emplace_back("correct_leaves", static_cast<double>(tree.NumCorrect()));
    result.figures.emplace_back("max_correct_entropy",
                                std::log(static_cast<double>(tree.NumCorrect())));
    result.figures.emplace_back("uniform_pass_at_1", uniform_values[0]);
    result.figures.emplace_back("greedy_optimal_fraction", GreedyOptimalFraction(tree, q_uniform));
    const TreeSolutionStats optimal = SolutionStats(tree, GreedyTreePolicy(tree, q_optimal), k);
    result.figures.emplace_back("optimal_pass_at_1", optimal.pass_at_1);
    result.figures.emplace_back("optimal_distinct_correct_k", optimal.distinct_correct);
    for (double t : options_.temperatures) {
      AddRoverSolutionFigures(result, "rover_tau_" + ValueCodec<double>::Format(t),
                              SolutionStats(tree, SoftmaxTreePolicy(tree, q_uniform, t), k));
    }

    const TreePolicyGradientResult pg = TreePolicyGradient(tree, options_.policy_gradient);
    AddRoverSolutionFigures(result, "pg", SolutionStats(tree, pg.policy, k));
    result.figures.emplace_back("pg_steps", static_cast<double>(pg.steps));
    const double matched = TemperatureForPass(tree, q_uniform, pg.success);
    result.figures.emplace_back("matched_temperature", matched);
    AddRoverSolutionFigures(result, "matched_rover",
                            SolutionStats(tree, SoftmaxTreePolicy(tree, q_uniform, matched), k));

    Rng rng(DeriveSeed(seed, "rover_rollouts"));
    const std::vector<double> q_learned = EstimateUniformQ(tree, options_.rollouts, rng);
    result.figures.emplace_back("learned_greedy_optimal_fraction",
                                GreedyOptimalFraction(tree, q_learned));
    result.figures.emplace_back(
        "learned_greedy_pass_at_1",
        SolutionStats(tree, GreedyTreePolicy(tree, q_learned), k).pass_at_1);
    for (double t : options_.temperatures) {
      AddRoverSolutionFigures(result, "learned_rover_tau_" + ValueCodec<double>::Format(t),
                              SolutionStats(tree, SoftmaxTreePolicy(tree, q_learned, t), k));
    }
    return result;
  }

 private:
  RoverStudyOptions options_;
};

}  // namespace

StudyRegistry::Entry RoverStudy() {
  const RoverStudyOptions d;
  return {.name = "rover",
          .help = "ROVER (arXiv:2509.24981): greedy and softmax policies on the uniform policy's Q "
                  "in tree MDPs with binary terminal rewards, against a policy gradient",
          .keys = {{"branching", std::to_string(d.tree.branching), "actions per state (>= 2)"},
                   {"depth", std::to_string(d.tree.depth), "steps to a leaf (>= 1)"},
                   {"density", ValueCodec<double>::Format(d.tree.density),
                    "probability that a leaf is correct"},
                   {"temperatures", FormatRoverTemperatures(d.temperatures),
                    "ROVER's softmax temperatures over Q, comma-separated (quote the list)"},
                   {"k", std::to_string(d.k), "samples for pass@k and distinct correct leaves"},
                   {"rollouts", std::to_string(d.rollouts),
                    "uniform episodes from the root that estimate Q (learned_*)"},
                   {"pg_learning_rate", ValueCodec<double>::Format(d.policy_gradient.learning_rate),
                    "step size of the exact policy gradient"},
                   {"pg_max_steps", std::to_string(d.policy_gradient.max_steps),
                    "most policy-gradient steps"},
                   {"pg_tolerance", ValueCodec<double>::Format(d.policy_gradient.tolerance),
                    "policy gradient stops once 1 - pass@1 is at most this"}},
          .factory = [](const SpecArgs& args) -> std::unique_ptr<Study> {
            RoverStudyOptions o;
            o.tree.branching = args.Get<int64_t>("branching");
            o.tree.depth = args.Get<int64_t>("depth");
            o.tree.density = args.Get<double>("density");
            o.temperatures = ParseRoverTemperatures(args.Get<std::string>("temperatures"));
            o.k = args.Get<int64_t>("k");
            o.rollouts = args.Get<int64_t>("rollouts");
            o.policy_gradient.learning_rate = args.Get<double>("pg_learning_rate");
            o.policy_gradient.max_steps = args.Get<int64_t>("pg_max_steps");
            o.policy_gradient.tolerance = args.Get<double>("pg_tolerance");
            return std::make_unique<RoverTreeStudy>(o);
          }};
}

}  // namespace rlab::rl::tabular
