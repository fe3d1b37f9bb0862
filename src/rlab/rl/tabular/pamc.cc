#include "rlab/rl/tabular/pamc.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/rl/tabular/conformal_interval.h"

namespace rlab::rl::tabular {

namespace {

using envs::tabular::ValueIterationOptions;
using envs::tabular::ValueIterationResult;

constexpr double kPlanningTolerance = 1e-9;

// The successors of every (s, a) with their probabilities: value iteration touches only these.
struct SparseDynamics {
  std::vector<int64_t> begin;  // [S * A + 1] offsets into next / prob
  std::vector<int64_t> next;
  std::vector<double> prob;
};

SparseDynamics Sparsify(const torch::Tensor& transitions) {
  const torch::Tensor p = transitions.contiguous();
  const int64_t S = p.size(0), A = p.size(1);
  const double* data = p.data_ptr<double>();
  SparseDynamics d;
  d.begin.push_back(0);
  for (int64_t sa = 0; sa < S * A; ++sa) {
    for (int64_t n = 0; n < S; ++n) {
      if (data[sa * S + n] > 0.0) {
        d.next.push_back(n);
        d.prob.push_back(data[sa * S + n]);
      }
    }
    d.begin.push_back(static_cast<int64_t>(d.next.size()));
  }
  return d;
}

struct GreedyPlan {
  std::vector<int64_t> actions;  // [S] argmax_a Q(s, a), ties to the lowest action
  int64_t sweeps = 0;
  double work = 0.0;  // multiply-adds
};

// Value iteration for the reward matrix `reward` [S * A] (the same fixed point as
// envs/tabular/value_iteration.h, on plain vectors: this runs at every check of the explorer).
GreedyPlan PlanGreedy(const SparseDynamics& d, const std::vector<double>& reward, int64_t S,
                      int64_t A, double gamma) {
  std::vector<double> v(S, 0.0), q(S * A, 0.0);
  GreedyPlan plan;
  for (double change = 1.0; change > kPlanningTolerance && plan.sweeps < 100000; ++plan.sweeps) {
    change = 0.0;
    for (int64_t sa = 0; sa < S * A; ++sa) {
      double future = 0.0;
      for (int64_t k = d.begin[sa]; k < d.begin[sa + 1]; ++k) future += d.prob[k] * v[d.next[k]];
      q[sa] = reward[sa] + gamma * future;
    }
    for (int64_t s = 0; s < S; ++s) {
      const double best = *std::max_element(&q[s * A], &q[s * A] + A);
      change = std::max(change, std::abs(best - v[s]));
      v[s] = best;
    }
  }
  plan.actions.resize(S);
  for (int64_t s = 0; s < S; ++s) {
    plan.actions[s] = std::max_element(&q[s * A], &q[s * A] + A) - &q[s * A];
  }
  plan.work = static_cast<double>(plan.sweeps) * 2.0 * static_cast<double>(d.next.size());
  return plan;
}

torch::Tensor DeterministicPolicy(const std::vector<int64_t>& actions, int64_t A) {
  torch::Tensor policy = torch::zeros({static_cast<int64_t>(actions.size()), A}, torch::kDouble);
  for (size_t s = 0; s < actions.size(); ++s) policy[s][actions[s]] = 1.0;
  return policy;
}

// R(s, a, s') = r(s, a) for every s': [S, A, S'] from a reward matrix [S, A].
torch::Tensor StateActionRewards(const std::vector<double>& reward, int64_t num_states,
                                 int64_t num_actions) {
  const torch::Tensor r =
      torch::tensor(reward, torch::kDouble).reshape({num_states, num_actions, 1});
  return r.expand({num_states, num_actions, num_states}).contiguous();
}

int64_t SampleIndex(const double* probs, int64_t n, Rng& rng) {
  double u = rng.Uniform();
  for (int64_t i = 0; i + 1 < n; ++i) {
    if (u < probs[i]) return i;
    u -= probs[i];
  }
  return n - 1;
}

// The counts, sums and split of the observed entries, and the plan built from them.
class RewardObservations {
 public:
  RewardObservations(const LowRankRewardTask& task, double calibration_fraction, uint64_t seed)
      : counts_(task.num_states * task.num_actions, 0),
        sums_(task.num_states * task.num_actions, 0.0),
        calibration_(task.num_states * task.num_actions, false) {
    Rng split(DeriveSeed(seed, "pamc/split"));
    for (size_t e = 0; e < calibration_.size(); ++e) {
      calibration_[e] = split.Uniform() < calibration_fraction;
    }
  }

  void Observe(int64_t entry, double reward) {
    ++counts_[entry];
    sums_[entry] += reward;
  }
  bool Observed(int64_t entry) const { return counts_[entry] > 0; }
  int64_t Count(int64_t entry) const { return counts_[entry]; }
  double Mean(int64_t entry) const { return sums_[entry] / static_cast<double>(counts_[entry]); }
  bool Calibration(int64_t entry) const { return calibration_[entry]; }

 private:
  std::vector<int64_t> counts_;  // [S * A]
  std::vector<double> sums_;     // [S * A]
  std::vector<bool> calibration_;
};

struct RewardPlan {
  std::vector<double> optimistic;  // [S * A] explored on
  std::vector<double> point;       // [S * A] the estimate whose greedy policy is judged
};

// Observed entries: their mean, plus bonus / sqrt(count) to explore; others: Rmax to explore,
// 0 to estimate.
RewardPlan ObservedOnlyPlan(const LowRankRewardTask& task, const RewardObservations& obs,
                            double bonus) {
  const int64_t n = task.num_states * task.num_actions;
  RewardPlan plan{std::vector<double>(n, task.max_reward), std::vector<double>(n, 0.0)};
  for (int64_t e = 0; e < n; ++e) {
    if (!obs.Observed(e)) continue;
    plan.point[e] = obs.Mean(e);
    plan.optimistic[e] = std::min(
        task.max_reward, obs.Mean(e) + bonus / std::sqrt(static_cast<double>(obs.Count(e))));
  }
  return plan;
}

// Fills the unobserved entries the completion identifies, with its conformal interval; returns
// the work of the completion and calibration in multiply-adds.
double FillByCompletion(const LowRankRewardTask& task, const RewardObservations& obs,
                        const PamcOptions& options, uint64_t seed, RewardPlan* plan,
                        ExplorationOutcome* out) {
  const int64_t S = task.num_states, A = task.num_actions;
  std::vector<ObservedEntry> fit;
  std::vector<int64_t> row_fit(S, 0), col_fit(A, 0), calibration;
  for (int64_t e = 0; e < S * A; ++e) {
    if (!obs.Observed(e)) continue;
    if (obs.Calibration(e)) {
      calibration.push_back(e);
    } else {
      fit.push_back({.row = e / A, .col = e % A, .value = obs.Mean(e)});
      ++row_fit[e / A];
      ++col_fit[e % A];
    }
  }
  Rng init(DeriveSeed(seed, "pamc/completion"));
  const LowRankFactors factors = CompleteLowRank(S, A, fit, options.completion, init);
  std::vector<double> residuals;
  for (int64_t e : calibration)
    residuals.push_back(std::abs(obs.Mean(e) - factors.Predict(e / A, e % A)));
  const double q = SplitConformalQuantile(residuals, options.alpha);
  const double n_cal = static_cast<double>(residuals.size());
  const double work = CompletionWork(S, A, static_cast<int64_t>(fit.size()), options.completion) +
                      n_cal * std::log2(n_cal + 2.0);
  if (!std::isfinite(q)) return work;  // abstain: too few calibration entries for 1 - alpha
  out->half_width_sum += q;
  ++out->conformal_checks;
  const int64_t rank = options.completion.rank;
  for (int64_t e = 0; e < S * A; ++e) {
    if (obs.Observed(e) || row_fit[e / A] < rank || col_fit[e % A] < rank) continue;
    const double estimate = factors.Predict(e / A, e % A);
    plan->optimistic[e] = std::min(task.max_reward, estimate + q);
    plan->point[e] = std::clamp(estimate, 0.0, task.max_reward);
    const double error = estimate - task.reward[e];
    ++out->filled_entries;
    out->covered_entries += std::abs(error) <= q ? 1 : 0;
    out->squared_error += error * error;
  }
  return work;
}

}  // namespace

LowRankRewardTask MakeLowRankRewardTask(const LowRankRewardTaskOptions& options, uint64_t seed) {
  RLAB_CHECK(options.num_states >= 2 && options.num_actions >= 2,
             "pamc task needs >= 2 states and actions, got {} and {}", options.num_states,
             options.num_actions);
  RLAB_CHECK(options.rank >= 1 && options.rank <= std::min(options.num_states, options.num_actions),
             "pamc task: rank must be in [1, min(states, actions)], got {}", options.rank);
  RLAB_CHECK(options.rewarding_fraction > 0.0 && options.rewarding_fraction <= 1.0,
             "pamc task: rewarding_fraction must be in (0, 1], got {}", options.rewarding_fraction);
  RLAB_CHECK(options.noise >= 0.0, "pamc task: noise must be >= 0, got {}", options.noise);
  const envs::tabular::FiniteMdp dynamics =
      envs::tabular::MakeRandomMdp({.num_states = options.num_states,
                                    .num_actions = options.num_actions,
                                    .successors = options.successors,
                                    .reward_std = 0.0,
                                    .gamma = options.gamma,
                                    .seed = DeriveSeed(seed, "pamc/dynamics")});
  const int64_t S = options.num_states, A = options.num_actions, r = options.rank;
  Rng rng(DeriveSeed(seed, "pamc/reward"));
  // The rewarding states: the first round(fraction * S) of a random permutation (at least 1).
  std::vector<int64_t> order(S);
  for (int64_t s = 0; s < S; ++s) order[s] = s;
  for (int64_t s = S - 1; s > 0; --s) std::swap(order[s], order[rng.UniformInt(s + 1)]);
  const int64_t rewarding =
      std::max<int64_t>(1, std::llround(options.rewarding_fraction * static_cast<double>(S)));
  std::vector<double> u(S * r, 0.0), v(A * r);
  for (int64_t i = 0; i < rewarding; ++i) {
    for (int64_t k = 0; k < r; ++k) u[order[i] * r + k] = rng.Uniform();
  }
  for (double& x : v) x = rng.Uniform();
  LowRankRewardTask task{.transitions = dynamics.transitions,
                         .initial = dynamics.initial,
                         .gamma = options.gamma,
                         .num_states = S,
                         .num_actions = A,
                         .rank = r,
                         .noise = options.noise,
                         .max_reward = 1.0,
                         .reward = std::vector<double>(S * A, 0.0)};
  double top = 0.0;
  for (int64_t s = 0; s < S; ++s) {
    for (int64_t a = 0; a < A; ++a) {
      double x = 0.0;
      for (int64_t k = 0; k < r; ++k) x += u[s * r + k] * v[a * r + k];
      task.reward[s * A + a] = x;
      top = std::max(top, x);
    }
  }
  RLAB_CHECK(top > 0.0, "pamc task: the reward matrix drawn is all zero");
  for (double& x : task.reward) x /= top;
  return task;
}

ExplorationOutcome RunSparseRewardExplorer(const LowRankRewardTask& task, RewardEstimate estimate,
                                           const PamcOptions& options, uint64_t seed) {
  RLAB_CHECK(options.budget >= 1 && options.check_every >= 1,
             "pamc: budget and check_every must be >= 1, got {} and {}", options.budget,
             options.check_every);
  RLAB_CHECK(options.epsilon >= 0.0 && options.epsilon <= 1.0 && options.tolerance >= 0.0,
             "pamc: epsilon must be in [0, 1] and tolerance >= 0, got {} and {}", options.epsilon,
             options.tolerance);
  RLAB_CHECK(options.calibration_fraction > 0.0 && options.calibration_fraction < 1.0,
             "pamc: calibration_fraction must be in (0, 1), got {}", options.calibration_fraction);
  const int64_t S = task.num_states, A = task.num_actions;
  const torch::Tensor true_rewards = StateActionRewards(task.reward, S, A);
  const ValueIterationResult best = envs::tabular::ValueIteration(
      task.transitions, true_rewards, task.gamma, ValueIterationOptions{.tolerance = 1e-10});
  const SparseDynamics dynamics = Sparsify(task.transitions);
  const double optimum = envs::tabular::ExpectedReturn(task.transitions, true_rewards, task.initial,
                                                       task.gamma, best.policy);
  const torch::Tensor mu_tensor = task.initial.contiguous();

  Rng act_rng(DeriveSeed(seed, "pamc/act"));
  Rng noise_rng(DeriveSeed(seed, "pamc/noise"));
  RewardObservations obs(task, options.calibration_fraction, seed);
  ExplorationOutcome out;
  std::vector<int64_t> explore_action(S, 0);
  int64_t last_failed_check = -1;
  bool optimal = false;
  int64_t state = SampleIndex(mu_tensor.data_ptr<double>(), S, act_rng);
  for (int64_t sample = 0; sample <= options.budget; ++sample) {
    if (sample % options.check_every == 0 || sample == options.budget) {
      const auto start = std::chrono::steady_clock::now();
      RewardPlan plan = ObservedOnlyPlan(task, obs, options.bonus);
      if (estimate == RewardEstimate::kCompleted) {
        out.work += FillByCompletion(task, obs, options, seed, &plan, &out);
      }
      const GreedyPlan greedy = PlanGreedy(dynamics, plan.point, S, A, task.gamma);
      const GreedyPlan explore = PlanGreedy(dynamics, plan.optimistic, S, A, task.gamma);
      explore_action = explore.actions;
      out.work += greedy.work + explore.work;
      if (options.measure_wall_time) {
        out.seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
      const double value =
          envs::tabular::ExpectedReturn(task.transitions, true_rewards, task.initial, task.gamma,
                                        DeterministicPolicy(greedy.actions, A));
      optimal = optimum - value <= options.tolerance * std::abs(optimum);
      if (!optimal) last_failed_check = sample;
    }
    if (sample == options.budget) break;
    const int64_t action =
        act_rng.Bernoulli(options.epsilon) ? act_rng.UniformInt(A) : explore_action[state];
    const int64_t entry = state * A + action;
    obs.Observe(entry, task.reward[entry] + task.noise * noise_rng.Normal());
    const int64_t k0 = dynamics.begin[entry];
    state =
        dynamics
            .next[k0 + SampleIndex(&dynamics.prob[k0], dynamics.begin[entry + 1] - k0, act_rng)];
  }
  out.solved = optimal;
  // The first check after which every check found the greedy policy optimal.
  out.samples_to_optimal = !optimal ? options.budget
                           : last_failed_check < 0
                               ? 0
                               : std::min(options.budget, last_failed_check + options.check_every);
  return out;
}

}  // namespace rlab::rl::tabular
