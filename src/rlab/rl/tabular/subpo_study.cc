// The SubPO study: "Submodular Reinforcement Learning" (Prajapat, Mutny, Zeilinger and Krause,
// ICLR 2024, arXiv:2307.13372). SubPO's policy gradient on marginal gains of a weighted grid
// coverage against the same REINFORCE on the modular reward F({s}), both measured by F of their
// paths relative to the optimum found by exhaustive search (and the greedy path). The paper
// claims that SubPO recovers constant-factor approximations (1 - 1/e for submodular bandits).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/envs/tabular/grid_world.h"
#include "rlab/rl/tabular/study.h"
#include "rlab/rl/tabular/subpo.h"

namespace rlab::rl::tabular {

namespace {

struct SubpoSettings {
  CoveragePathTask task;
  int64_t radius = 1;
  bool random_weights = true;
  ReinforceOptions reinforce;
  int64_t eval_episodes = 500;
};

class SubpoCoverageStudy final : public Study {
 public:
  explicit SubpoCoverageStudy(SubpoSettings settings) : s_(std::move(settings)) {}

  std::string Property() const override {
    return "F (weighted coverage, fraction of the total weight) of the paths of SubPO's policy, "
           "trained by REINFORCE on marginal gains, against the same learner on the modular "
           "reward F({s}), the greedy path and the exhaustive optimum; the paper claims a "
           "constant-factor approximation (1 - 1/e = 0.632 for submodular bandits)";
  }

  StudyResult Run(uint64_t seed) const override {
    const int64_t cells = s_.task.rows * s_.task.cols;
    std::vector<double> weights(cells, 1.0);
    if (s_.random_weights) {
      Rng weight_rng(DeriveSeed(seed, "subpo/weights"));
      for (double& w : weights) w = weight_rng.Uniform();
    }
    const GridCoverage coverage(s_.task.rows, s_.task.cols, s_.radius, weights);
    const double optimum = OptimalPathCoverage(s_.task, coverage);
    const double greedy = GreedyPathCoverage(s_.task, coverage);
    const double subpo = Trained(coverage, PathReward::kMarginalGain, seed, "subpo");
    const double modular = Trained(coverage, PathReward::kModular, seed, "modular");
    return {.figures = {{"subpo_coverage", subpo},
                        {"modular_coverage", modular},
                        {"greedy_path_coverage", greedy},
                        {"optimal_coverage", optimum},
                        {"subpo_ratio_to_optimal", subpo / optimum},
                        {"modular_ratio_to_optimal", modular / optimum},
                        {"greedy_ratio_to_optimal", greedy / optimum}}};
  }

 private:
  double Trained(const GridCoverage& coverage, PathReward reward, uint64_t seed,
                 const std::string& arm) const {
    TimeIndexedSoftmaxPolicy policy(s_.task.horizon, coverage.num_cells(),
                                    envs::tabular::kGridActions);
    Rng train_rng(DeriveSeed(seed, "subpo/train/" + arm));
    TrainPathPolicy(s_.task, coverage, reward, s_.reinforce, train_rng, &policy);
    Rng eval_rng(DeriveSeed(seed, "subpo/eval/" + arm));
    return MeanPathCoverage(s_.task, coverage, policy, s_.eval_episodes, eval_rng);
  }

  SubpoSettings s_;
};

}  // namespace

StudyRegistry::Entry SubpoStudy() {
  return {
      .name = "subpo",
      .help = "SubPO (arXiv:2307.13372): REINFORCE on submodular marginal gains vs the modular "
              "reward, on grid coverage paths, against the exhaustive optimum",
      .keys = {{"rows", "8", "grid rows"},
               {"cols", "8", "grid columns"},
               {"radius", "1", "a visited cell covers the cells within this Chebyshev distance"},
               {"horizon", "10", "moves per path (the optimum searches 4^horizon paths; <= 12)"},
               {"start_row", "0", "row of the start cell"},
               {"start_col", "0", "column of the start cell"},
               {"weights", "random", "cell weights: random (uniform [0, 1) per seed) or uniform"},
               {"iterations", "300", "REINFORCE updates per policy"},
               {"batch", "32", "episodes per update"},
               {"learning_rate", "5", "step size on the logits (rewards are fractions of F(all))"},
               {"eval_episodes", "500", "sampled paths that measure each trained policy"}},
      .factory = [](const SpecArgs& args) -> std::unique_ptr<Study> {
        SubpoSettings s;
        s.task.rows = args.Get<int64_t>("rows");
        s.task.cols = args.Get<int64_t>("cols");
        const int64_t start_row = args.Get<int64_t>("start_row");
        const int64_t start_col = args.Get<int64_t>("start_col");
        RLAB_CHECK(s.task.rows > 0 && s.task.cols > 0 && start_row >= 0 &&
                       start_row < s.task.rows && start_col >= 0 && start_col < s.task.cols,
                   "study 'subpo': start ({}, {}) must lie in the {} x {} grid", start_row,
                   start_col, s.task.rows, s.task.cols);
        s.task.start = start_row * s.task.cols + start_col;
        s.task.horizon = args.Get<int64_t>("horizon");
        RLAB_CHECK(s.task.horizon >= 1 && s.task.horizon <= 12,
                   "study 'subpo': key 'horizon' must be in [1, 12] (exhaustive search), got {}",
                   s.task.horizon);
        s.radius = args.Get<int64_t>("radius");
        const std::string weights = args.Get<std::string>("weights");
        RLAB_CHECK(weights == "random" || weights == "uniform",
                   "study 'subpo': key 'weights' must be random or uniform, got '{}'", weights);
        s.random_weights = weights == "random";
        s.reinforce.iterations = args.Get<int64_t>("iterations");
        s.reinforce.batch = args.Get<int64_t>("batch");
        s.reinforce.learning_rate = args.Get<double>("learning_rate");
        s.eval_episodes = args.Get<int64_t>("eval_episodes");
        return std::make_unique<SubpoCoverageStudy>(std::move(s));
      }};
}

}  // namespace rlab::rl::tabular
