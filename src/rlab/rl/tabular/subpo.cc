#include "rlab/rl/tabular/subpo.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/grid_world.h"

namespace rlab::rl::tabular {

using envs::tabular::kGridActions;

namespace {

constexpr std::array<int64_t, kGridActions> kRowStep = {-1, 0, 1, 0};
constexpr std::array<int64_t, kGridActions> kColStep = {0, 1, 0, -1};

int64_t SampleCategorical(const std::vector<double>& probs, Rng& rng) {
  double u = rng.Uniform();
  for (size_t a = 0; a + 1 < probs.size(); ++a) {
    if (u < probs[a]) return static_cast<int64_t>(a);
    u -= probs[a];
  }
  return static_cast<int64_t>(probs.size()) - 1;
}

void CheckTask(const CoveragePathTask& task, const GridCoverage& coverage) {
  RLAB_CHECK(task.rows > 0 && task.cols > 0 && task.rows * task.cols == coverage.num_cells(),
             "subpo: a {} x {} grid needs a coverage of {} cells, got {}", task.rows, task.cols,
             task.rows * task.cols, coverage.num_cells());
  RLAB_CHECK(task.start >= 0 && task.start < coverage.num_cells(),
             "subpo: start cell {} is outside the grid", task.start);
  RLAB_CHECK(task.horizon >= 1, "subpo: horizon must be >= 1, got {}", task.horizon);
  RLAB_CHECK(coverage.total_weight() > 0.0, "subpo: coverage weights must not all be 0");
}

// Depth-first search over action sequences; returns the best F reachable in `steps_left` moves.
double BestCompletion(const CoveragePathTask& task, int64_t cell, int64_t steps_left,
                      CoverageTracker* tracker) {
  if (steps_left == 0) return tracker->value();
  double best = 0.0;
  for (int64_t a = 0; a < kGridActions; ++a) {
    const int64_t next = GridStep(task, cell, a);
    tracker->Add(next);
    best = std::max(best, BestCompletion(task, next, steps_left - 1, tracker));
    tracker->Remove(next);
  }
  return best;
}

}  // namespace

int64_t GridStep(const CoveragePathTask& task, int64_t cell, int64_t action) {
  const int64_t row = cell / task.cols + kRowStep[action];
  const int64_t col = cell % task.cols + kColStep[action];
  const bool inside = row >= 0 && row < task.rows && col >= 0 && col < task.cols;
  return inside ? row * task.cols + col : cell;
}

TimeIndexedSoftmaxPolicy::TimeIndexedSoftmaxPolicy(int64_t horizon, int64_t num_states,
                                                   int64_t num_actions)
    : num_states_(num_states),
      num_actions_(num_actions),
      logits_(horizon * num_states * num_actions, 0.0) {}

void TimeIndexedSoftmaxPolicy::Probabilities(int64_t t, int64_t state,
                                             std::vector<double>* probs) const {
  probs->resize(num_actions_);
  const double* z = &logits_[Index(t, state, 0)];
  const double top = *std::max_element(z, z + num_actions_);
  double total = 0.0;
  for (int64_t a = 0; a < num_actions_; ++a) total += ((*probs)[a] = std::exp(z[a] - top));
  for (double& p : *probs) p /= total;
}

PathEpisode SamplePathEpisode(const CoveragePathTask& task, const GridCoverage& coverage,
                              const TimeIndexedSoftmaxPolicy& policy, PathReward reward, Rng& rng) {
  PathEpisode episode;
  CoverageTracker visited(coverage);
  int64_t cell = task.start;
  visited.Add(cell);
  episode.states.push_back(cell);
  std::vector<double> probs;
  for (int64_t t = 0; t < task.horizon; ++t) {
    policy.Probabilities(t, cell, &probs);
    const int64_t action = SampleCategorical(probs, rng);
    cell = GridStep(task, cell, action);
    const double gain = visited.Add(cell);
    episode.actions.push_back(action);
    episode.states.push_back(cell);
    episode.rewards.push_back(reward == PathReward::kMarginalGain ? gain
                                                                  : coverage.SingletonValue(cell));
  }
  return episode;
}

void AccumulateReinforceGradient(const TimeIndexedSoftmaxPolicy& policy, const PathEpisode& episode,
                                 const std::vector<double>& advantages, double scale,
                                 std::vector<double>* grad) {
  RLAB_CHECK(advantages.size() == episode.actions.size(), "REINFORCE: {} advantages for {} actions",
             advantages.size(), episode.actions.size());
  std::vector<double> probs;
  for (size_t t = 0; t < episode.actions.size(); ++t) {
    const int64_t ti = static_cast<int64_t>(t);
    policy.Probabilities(ti, episode.states[t], &probs);
    for (int64_t a = 0; a < policy.num_actions(); ++a) {
      const double score = (a == episode.actions[t] ? 1.0 : 0.0) - probs[a];
      (*grad)[policy.Index(ti, episode.states[t], a)] += scale * advantages[t] * score;
    }
  }
}

void TrainPathPolicy(const CoveragePathTask& task, const GridCoverage& coverage, PathReward reward,
                     const ReinforceOptions& options, Rng& rng, TimeIndexedSoftmaxPolicy* policy) {
  CheckTask(task, coverage);
  RLAB_CHECK(options.iterations >= 0 && options.batch >= 2,
             "subpo: iterations must be >= 0 and batch >= 2, got {} and {}", options.iterations,
             options.batch);
  const int64_t horizon = task.horizon;
  std::vector<PathEpisode> batch(options.batch);
  std::vector<std::vector<double>> to_go(options.batch, std::vector<double>(horizon));  // [B, H]
  std::vector<double> baseline(horizon);                                                // [H]
  std::vector<double> grad(policy->logits().size());
  std::vector<double> advantages(horizon);
  for (int64_t it = 0; it < options.iterations; ++it) {
    std::fill(baseline.begin(), baseline.end(), 0.0);
    for (int64_t b = 0; b < options.batch; ++b) {
      batch[b] = SamplePathEpisode(task, coverage, *policy, reward, rng);
      double g = 0.0;
      for (int64_t t = horizon - 1; t >= 0; --t) {
        g += batch[b].rewards[t] / coverage.total_weight();
        to_go[b][t] = g;
        baseline[t] += g / static_cast<double>(options.batch);
      }
    }
    std::fill(grad.begin(), grad.end(), 0.0);
    for (int64_t b = 0; b < options.batch; ++b) {
      for (int64_t t = 0; t < horizon; ++t) advantages[t] = to_go[b][t] - baseline[t];
      AccumulateReinforceGradient(*policy, batch[b], advantages,
                                  1.0 / static_cast<double>(options.batch), &grad);
    }
    std::vector<double>& logits = policy->logits();
    for (size_t i = 0; i < logits.size(); ++i) logits[i] += options.learning_rate * grad[i];
  }
}

double MeanPathCoverage(const CoveragePathTask& task, const GridCoverage& coverage,
                        const TimeIndexedSoftmaxPolicy& policy, int64_t episodes, Rng& rng) {
  CheckTask(task, coverage);
  RLAB_CHECK(episodes >= 1, "subpo: evaluation needs >= 1 episode, got {}", episodes);
  double total = 0.0;
  for (int64_t e = 0; e < episodes; ++e) {
    const PathEpisode episode =
        SamplePathEpisode(task, coverage, policy, PathReward::kMarginalGain, rng);
    total += coverage.Value(episode.states);
  }
  return total / static_cast<double>(episodes) / coverage.total_weight();
}

double OptimalPathCoverage(const CoveragePathTask& task, const GridCoverage& coverage) {
  CheckTask(task, coverage);
  RLAB_CHECK(task.horizon <= 12,
             "subpo: exhaustive search over 4^{} paths is too long; use "
             "horizon <= 12",
             task.horizon);
  CoverageTracker tracker(coverage);
  tracker.Add(task.start);
  return BestCompletion(task, task.start, task.horizon, &tracker) / coverage.total_weight();
}

double GreedyPathCoverage(const CoveragePathTask& task, const GridCoverage& coverage) {
  CheckTask(task, coverage);
  CoverageTracker tracker(coverage);
  int64_t cell = task.start;
  tracker.Add(cell);
  for (int64_t t = 0; t < task.horizon; ++t) {
    int64_t best_next = GridStep(task, cell, 0);
    for (int64_t a = 1; a < kGridActions; ++a) {
      const int64_t next = GridStep(task, cell, a);
      if (tracker.Gain(next) > tracker.Gain(best_next)) best_next = next;
    }
    cell = best_next;
    tracker.Add(cell);
  }
  return tracker.value() / coverage.total_weight();
}

}  // namespace rlab::rl::tabular
