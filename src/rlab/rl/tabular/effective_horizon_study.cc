// Study `effective_horizon`: does the effective horizon of a task predict how many samples PPO
// and SQIRL need to solve it? Laidlaw, Zhu, Russell and Dragan, "The Effective Horizon
// Explains Deep RL Performance in Stochastic Environments", arXiv 2312.08369 (claim: the
// effective horizon predicts deep RL's sample complexity, and SQIRL's sample complexity tracks
// PPO's), with the effective horizon of Laidlaw, Russell and Dragan, "Bridging RL Theory and
// Practice with the Effective Horizon", arXiv 2304.09853.
//
// The family: corridors (1-row grid worlds, 4 actions, of which up and down stay put, with
// slip) whose goal (reward 1) is 1 to 5 steps away, some with a lure (a smaller reward one step
// the other way, ending the episode) that makes greedy action on the random policy's Q wrong,
// and two small 2-D grids. For each task: its exact effective horizon (effective_horizon.h), and
// per seed the environment steps PPO (tabular_ppo.h) and SQIRL (sqirl.h) take until their
// policy is optimal within `tolerance`. Across the family: the Spearman rank correlation of the
// effective horizon with each learner's steps, and the least-squares slope of log(steps) on
// log(A^H) (1 when steps grow as A^H); the episode length's rank correlation with PPO's steps
// is the naive baseline.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/grid_world.h"
#include "rlab/rl/tabular/effective_horizon.h"
#include "rlab/rl/tabular/sqirl.h"
#include "rlab/rl/tabular/study.h"
#include "rlab/rl/tabular/tabular_ppo.h"

namespace rlab::rl::tabular {

namespace {

using envs::tabular::GridCell;
using envs::tabular::GridGoal;
using envs::tabular::GridWorldOptions;

struct HorizonTask {
  std::string name;
  GridWorldOptions grid;
  int64_t horizon = 0;
};

// A corridor whose goal is `depth` steps right of the start; lure > 0 puts a goal of that
// reward one step left of the start.
HorizonTask Corridor(int64_t depth, double lure, double slip) {
  HorizonTask task;
  const int64_t start = lure > 0.0 ? 1 : 0;
  task.name = lure > 0.0 ? "lure" + std::to_string(depth) : "corridor" + std::to_string(depth);
  task.grid.rows = 1;
  task.grid.cols = start + depth + 1;
  task.grid.start = GridCell{0, start};
  task.grid.goals = {GridGoal{{0, start + depth}, 1.0}};
  if (lure > 0.0) task.grid.goals.push_back(GridGoal{{0, 0}, lure});
  task.grid.slip = slip;
  task.horizon = 2 * depth + 2;
  return task;
}

// A rows x cols grid from the top-left corner to a goal in the bottom-right one.
HorizonTask Grid(int64_t rows, int64_t cols, double slip) {
  HorizonTask task;
  task.name = "grid" + std::to_string(rows) + "x" + std::to_string(cols);
  task.grid.rows = rows;
  task.grid.cols = cols;
  task.grid.start = GridCell{0, 0};
  task.grid.goals = {GridGoal{{rows - 1, cols - 1}, 1.0}};
  task.grid.slip = slip;
  task.horizon = 2 * (rows + cols - 2) + 2;
  return task;
}

std::vector<HorizonTask> Family(double slip, double lure) {
  return {Corridor(1, 0.0, slip),  Corridor(2, 0.0, slip),  Corridor(3, 0.0, slip),
          Corridor(4, 0.0, slip),  Corridor(5, 0.0, slip),  Corridor(2, lure, slip),
          Corridor(3, lure, slip), Corridor(4, lure, slip), Grid(2, 3, slip),
          Grid(3, 3, slip)};
}

// Ranks 1..n, ties sharing their mean rank.
std::vector<double> Ranks(const std::vector<double>& x) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    for (size_t n = i; n <= j; ++n) ranks[order[n]] = 0.5 * static_cast<double>(i + j) + 1.0;
    i = j + 1;
  }
  return ranks;
}

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0.0 && syy > 0.0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

double Spearman(const std::vector<double>& x, const std::vector<double>& y) {
  return Pearson(Ranks(x), Ranks(y));
}

// Least-squares slope of y on x.
double Slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0.0, sxx = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  return sxx > 0.0 ? sxy / sxx : 0.0;
}

std::mt19937_64 Generator(uint64_t seed, uint64_t task, uint64_t salt) {
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(task), static_cast<uint32_t>(salt)};
  return std::mt19937_64(seq);
}

// The study's keys; the initialisers are the defaults docs/results.md reports.
struct Settings {
  double slip = 0.1;
  double lure = 0.3;
  double tolerance = 0.01;
  int64_t max_steps = 200000;
  int64_t sqirl_max_k = 3;
  TabularPpoOptions ppo;
};

// Steps until PPO's greedy policy is optimal within tolerance and stays so for two more
// batches (the steps up to the first of the three); max_steps when it never is.
double PpoSamples(const EpisodicMdp& mdp, double optimum, const Settings& settings,
                  std::mt19937_64& rng) {
  TabularPpo ppo(mdp, settings.ppo);
  int64_t steps = 0, streak = 0, streak_start = 0;
  while (steps < settings.max_steps) {
    steps += ppo.Iterate(rng);
    if (EpisodeReturn(mdp, ppo.GreedyPolicy()) >= optimum - settings.tolerance) {
      if (streak++ == 0) streak_start = steps;
      if (streak == 3) return static_cast<double>(streak_start);
    } else {
      streak = 0;
    }
  }
  return static_cast<double>(settings.max_steps);
}

// SQIRL's samples for one k: the smallest m of a geometric grid at which at least 2 of 3
// independent runs return a policy optimal within tolerance (success with probability >= 1/2,
// the papers' definition), as the mean steps of those runs; max_steps when none is found.
double SqirlSamples(const EpisodicMdp& mdp, double optimum, int64_t k, const Settings& settings,
                    uint64_t seed, uint64_t task) {
  for (int64_t m = 1;; m = std::max(m + 1, m * 3 / 2)) {
    int64_t successes = 0, steps = 0;
    for (uint64_t run = 0; run < 3; ++run) {
      std::mt19937_64 rng = Generator(seed, task, (k << 40) ^ (m << 8) ^ run);
      const SqirlResult result = RunSqirl(mdp, {k, m}, rng);
      steps += result.env_steps;
      if (EpisodeReturn(mdp, result.policy) >= optimum - settings.tolerance) ++successes;
    }
    if (steps / 3 > settings.max_steps) return static_cast<double>(settings.max_steps);
    if (successes >= 2) return static_cast<double>(steps) / 3.0;
  }
}

template <class T>
std::string Text(T value) {
  return fmt::format("{}", value);
}

class HorizonSampleStudy : public Study {
 public:
  explicit HorizonSampleStudy(Settings settings) : settings_(settings) {}

  std::string Property() const override {
    return "the exact effective horizon H of each task predicts the environment steps PPO and "
           "SQIRL need to reach an optimal policy: Spearman rank correlations across the "
           "family and the slope of log(steps) on log(A^H)";
  }

  StudyResult Run(uint64_t seed) const override {
    StudyResult result;
    std::vector<double> horizons, lengths, log_bound, ppo_steps, sqirl_steps, log_ppo, log_sqirl;
    double unsolved_ppo = 0.0, unsolved_sqirl = 0.0;
    const std::vector<HorizonTask> tasks = Family(settings_.slip, settings_.lure);
    for (size_t i = 0; i < tasks.size(); ++i) {
      const HorizonTask& task = tasks[i];
      const EpisodicMdp mdp =
          MakeEpisodicMdp(envs::tabular::MakeGridWorld(task.grid), task.horizon);
      const EffectiveHorizon eh = AnalyseEffectiveHorizon(mdp);
      std::mt19937_64 rng = Generator(seed, i, 0);
      const double ppo = PpoSamples(mdp, eh.optimal_return, settings_, rng);
      double sqirl = static_cast<double>(settings_.max_steps);
      for (int64_t k = 1; k <= settings_.sqirl_max_k; ++k) {
        sqirl = std::min(sqirl, SqirlSamples(mdp, eh.optimal_return, k, settings_, seed, i));
      }
      unsolved_ppo += ppo >= static_cast<double>(settings_.max_steps) ? 1.0 : 0.0;
      unsolved_sqirl += sqirl >= static_cast<double>(settings_.max_steps) ? 1.0 : 0.0;
      horizons.push_back(eh.effective_horizon);
      lengths.push_back(static_cast<double>(task.horizon));
      log_bound.push_back(eh.effective_horizon * std::log(static_cast<double>(mdp.num_actions)));
      ppo_steps.push_back(ppo);
      sqirl_steps.push_back(sqirl);
      log_ppo.push_back(std::log(ppo));
      log_sqirl.push_back(std::log(sqirl));
      result.figures.emplace_back(task.name + "_min_k", static_cast<double>(eh.min_k));
      result.figures.emplace_back(task.name + "_effective_horizon", eh.effective_horizon);
      result.figures.emplace_back(task.name + "_ppo_steps", ppo);
      result.figures.emplace_back(task.name + "_sqirl_steps", sqirl);
    }
    result.figures.emplace_back("spearman_horizon_ppo", Spearman(horizons, ppo_steps));
    result.figures.emplace_back("spearman_horizon_sqirl", Spearman(horizons, sqirl_steps));
    result.figures.emplace_back("spearman_sqirl_ppo", Spearman(sqirl_steps, ppo_steps));
    // The naive predictor the effective horizon should beat: the episode length T.
    result.figures.emplace_back("spearman_length_ppo", Spearman(lengths, ppo_steps));
    result.figures.emplace_back("loglog_slope_ppo", Slope(log_bound, log_ppo));
    result.figures.emplace_back("loglog_slope_sqirl", Slope(log_bound, log_sqirl));
    result.figures.emplace_back("loglog_slope_ppo_on_sqirl", Slope(log_sqirl, log_ppo));
    result.figures.emplace_back("unsolved_ppo", unsolved_ppo);
    result.figures.emplace_back("unsolved_sqirl", unsolved_sqirl);
    return result;
  }

 private:
  Settings settings_;
};

}  // namespace

StudyRegistry::Entry EffectiveHorizonStudy() {
  const Settings d;  // the defaults, written once: Settings' and TabularPpoOptions' initialisers
  return {"effective_horizon",
          "the effective horizon (k-QVI on the random policy's Q, arXiv 2304.09853 / 2312.08369) "
          "against the samples PPO and SQIRL need on corridors and grids",
          {{"slip", Text(d.slip), "slip probability of every task's moves"},
           {"lure", Text(d.lure), "reward of the lure one step behind the start in the lure tasks"},
           {"tolerance", Text(d.tolerance),
            "a policy is solved when its exact return is within this of J*"},
           {"max_steps", Text(d.max_steps), "environment steps each learner may take on one task"},
           {"sqirl_max_k", Text(d.sqirl_max_k),
            "SQIRL is run with k = 1 .. this and the best k is kept"},
           {"ppo_batch", Text(d.ppo.episodes_per_batch), "PPO episodes per batch"},
           {"ppo_epochs", Text(d.ppo.epochs), "PPO epochs per batch"},
           {"ppo_lr", Text(d.ppo.learning_rate), "PPO's step on the logits"}},
          [](const SpecArgs& args) -> std::unique_ptr<Study> {
            Settings s;
            s.slip = args.Get<double>("slip");
            s.lure = args.Get<double>("lure");
            s.tolerance = args.Get<double>("tolerance");
            s.max_steps = args.Get<int64_t>("max_steps");
            s.sqirl_max_k = args.Get<int64_t>("sqirl_max_k");
            s.ppo.episodes_per_batch = args.Get<int64_t>("ppo_batch");
            s.ppo.epochs = args.Get<int64_t>("ppo_epochs");
            s.ppo.learning_rate = args.Get<double>("ppo_lr");
            RLAB_CHECK(s.slip >= 0.0 && s.slip < 1.0,
                       "effective_horizon: slip must be in [0, 1), got {}", s.slip);
            RLAB_CHECK(s.lure > 0.0 && s.lure < 1.0,
                       "effective_horizon: lure must be in (0, 1), got {}", s.lure);
            RLAB_CHECK(s.tolerance > 0.0, "effective_horizon: tolerance must be > 0, got {}",
                       s.tolerance);
            RLAB_CHECK(s.max_steps >= 1, "effective_horizon: max_steps must be >= 1");
            RLAB_CHECK(s.sqirl_max_k >= 1, "effective_horizon: sqirl_max_k must be >= 1");
            return std::make_unique<HorizonSampleStudy>(s);
          }};
}

}  // namespace rlab::rl::tabular
