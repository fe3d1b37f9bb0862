// The PAMC study: "What Fundamental Structure in Reward Functions Enables Efficient Sparse-Reward
// Learning?" (Shihab, Akter and Sharma, arXiv:2509.03790). The same optimistic explorer on a
// sparse, rank-r reward matrix, once filling the entries it never took by low-rank completion
// with split-conformal intervals (PAMC) and once by Rmax / 0 (observed rewards only); the paper
// claims sample efficiency better by factors 1.6 to 2.1 for about 20% more compute.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/rl/tabular/pamc.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

namespace {

struct PamcSettings {
  LowRankRewardTaskOptions task;
  PamcOptions learner;
  int64_t tasks = 8;
};

class PamcExplorationStudy final : public Study {
 public:
  explicit PamcExplorationStudy(PamcSettings settings) : s_(std::move(settings)) {}

  std::string Property() const override {
    return "environment samples until the greedy policy on the estimated reward is optimal "
           "for the true one, PAMC (rank-r completion + split-conformal optimism) against the "
           "same explorer on observed rewards only, their ratio (paper: 1.6 to 2.1), the "
           "conformal coverage (target 1 - alpha) and RMSE of the filled-in entries, and the "
           "compute overhead (paper: about 20%)";
  }

  StudyResult Run(uint64_t seed) const override {
    // Sums over the tasks of this seed.
    double pamc_samples = 0.0, observed_samples = 0.0, pamc_solved = 0.0, observed_solved = 0.0;
    double pamc_floored = 0.0, observed_floored = 0.0, pamc_work = 0.0, observed_work = 0.0;
    double pamc_seconds = 0.0, observed_seconds = 0.0, half_width = 0.0, squared_error = 0.0;
    int64_t filled = 0, covered = 0, conformal_checks = 0;
    // Optimality is checked every check_every samples, so counts below that are not resolved.
    const double floor = static_cast<double>(s_.learner.check_every);
    for (int64_t i = 0; i < s_.tasks; ++i) {
      const uint64_t task_seed = DeriveSeed(seed, "pamc/task/" + std::to_string(i));
      const LowRankRewardTask task = MakeLowRankRewardTask(s_.task, task_seed);
      const ExplorationOutcome pamc =
          RunSparseRewardExplorer(task, RewardEstimate::kCompleted, s_.learner, task_seed);
      const ExplorationOutcome observed =
          RunSparseRewardExplorer(task, RewardEstimate::kObservedOnly, s_.learner, task_seed);
      pamc_samples += static_cast<double>(pamc.samples_to_optimal);
      observed_samples += static_cast<double>(observed.samples_to_optimal);
      pamc_floored += std::max(floor, static_cast<double>(pamc.samples_to_optimal));
      observed_floored += std::max(floor, static_cast<double>(observed.samples_to_optimal));
      pamc_solved += pamc.solved ? 1.0 : 0.0;
      observed_solved += observed.solved ? 1.0 : 0.0;
      pamc_work += pamc.work;
      observed_work += observed.work;
      pamc_seconds += pamc.seconds;
      observed_seconds += observed.seconds;
      filled += pamc.filled_entries;
      covered += pamc.covered_entries;
      squared_error += pamc.squared_error;
      half_width += pamc.half_width_sum;
      conformal_checks += pamc.conformal_checks;
    }
    const double tasks = static_cast<double>(s_.tasks);
    StudyResult result{.figures = {{"pamc_samples_to_optimal", pamc_samples / tasks},
                                   {"observed_only_samples_to_optimal", observed_samples / tasks},
                                   {"sample_efficiency_ratio", observed_floored / pamc_floored},
                                   {"pamc_solved_fraction", pamc_solved / tasks},
                                   {"observed_only_solved_fraction", observed_solved / tasks},
                                   {"target_coverage", 1.0 - s_.learner.alpha}}};
    auto& f = result.figures;
    if (filled > 0) {
      f.push_back(
          {"conformal_coverage", static_cast<double>(covered) / static_cast<double>(filled)});
      f.push_back({"completion_rmse", std::sqrt(squared_error / static_cast<double>(filled))});
    }
    if (conformal_checks > 0) {
      f.push_back({"mean_interval_half_width", half_width / static_cast<double>(conformal_checks)});
    }
    f.push_back({"compute_overhead_ratio", pamc_work / observed_work});
    if (s_.learner.measure_wall_time) {
      f.push_back({"wall_time_overhead_ratio", pamc_seconds / observed_seconds});
    }
    return result;
  }

 private:
  PamcSettings s_;
};

}  // namespace

StudyRegistry::Entry PamcStudy() {
  return {
      .name = "pamc",
      .help = "PAMC (arXiv:2509.03790): low-rank reward completion with conformal optimism vs "
              "observed rewards only, samples until the greedy policy is optimal",
      .keys = {{"states", "30", "states of the random MDP (known dynamics)"},
               {"actions", "6", "actions per state"},
               {"successors", "3", "next states per (s, a)"},
               {"rank", "2", "rank of the mean reward matrix, and of the completion"},
               {"rewarding_fraction", "0.3", "share of states whose reward row is non-zero"},
               {"noise", "0.1", "std of the Gaussian noise on each observed reward"},
               {"gamma", "0.9", "discount"},
               {"budget", "8000", "environment samples per learner"},
               {"check_every", "20", "samples between plans and optimality checks"},
               {"epsilon", "0.1", "random-action probability of the explorer"},
               {"bonus", "0.2", "optimism on an entry taken n times: mean + bonus / sqrt(n)"},
               {"tolerance", "0.01", "optimal: J* - J(greedy) <= tolerance * J*"},
               {"alpha", "0.1", "conformal miscoverage level"},
               {"calibration_fraction", "0.3", "share of entries held out for calibration"},
               {"als_iterations", "30", "alternating least-squares sweeps per completion"},
               {"ridge", "0.1", "ridge penalty of the completion"},
               {"tasks", "8", "tasks (MDP and reward matrix) drawn per seed; figures pool them"},
               {"wall_time", "false", "also report the wall-time overhead (not deterministic)"}},
      .factory = [](const SpecArgs& args) -> std::unique_ptr<Study> {
        PamcSettings s;
        s.task.num_states = args.Get<int64_t>("states");
        s.task.num_actions = args.Get<int64_t>("actions");
        s.task.successors = args.Get<int64_t>("successors");
        s.task.rank = args.Get<int64_t>("rank");
        s.task.rewarding_fraction = args.Get<double>("rewarding_fraction");
        s.task.noise = args.Get<double>("noise");
        s.task.gamma = args.Get<double>("gamma");
        s.learner.budget = args.Get<int64_t>("budget");
        s.learner.check_every = args.Get<int64_t>("check_every");
        s.learner.epsilon = args.Get<double>("epsilon");
        s.learner.bonus = args.Get<double>("bonus");
        s.learner.tolerance = args.Get<double>("tolerance");
        s.learner.alpha = args.Get<double>("alpha");
        s.learner.calibration_fraction = args.Get<double>("calibration_fraction");
        s.learner.completion.rank = s.task.rank;
        s.learner.completion.iterations = args.Get<int64_t>("als_iterations");
        s.learner.completion.ridge = args.Get<double>("ridge");
        s.learner.measure_wall_time = args.Get<bool>("wall_time");
        s.tasks = args.Get<int64_t>("tasks");
        RLAB_CHECK(s.tasks >= 1, "study 'pamc': key 'tasks' must be >= 1, got {}", s.tasks);
        return std::make_unique<PamcExplorationStudy>(std::move(s));
      }};
}

}  // namespace rlab::rl::tabular
