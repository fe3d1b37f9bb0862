#include "rlab/rl/tabular/orchestrated_value_mapping.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/rl/tabular/multi_channel_mdp.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

double MapValue(ValueMapping mapping, double value, const LogMapping& log) {
  if (mapping == ValueMapping::kIdentity) return value;
  RLAB_CHECK(value + log.offset > 0.0,
             "logarithmic value mapping: value {} is below the domain's edge -{}", value,
             log.offset);
  return log.scale * std::log(value + log.offset);
}

double UnmapValue(ValueMapping mapping, double mapped, const LogMapping& log) {
  if (mapping == ValueMapping::kIdentity) return mapped;
  return std::exp(mapped / log.scale) - log.offset;
}

PolarReward PolarSplit(double reward) { return {std::max(reward, 0.0), std::max(-reward, 0.0)}; }

OrchestratedQ::OrchestratedQ(int64_t num_states, int64_t num_actions,
                             std::vector<OrchestratedChannel> channels, LogMapping log)
    : num_states_(num_states),
      num_actions_(num_actions),
      channels_(std::move(channels)),
      log_(log) {
  RLAB_CHECK(!channels_.empty(), "orchestrated value mapping needs at least one channel");
  RLAB_CHECK(log_.scale > 0.0 && log_.offset > 0.0,
             "logarithmic mapping: scale and offset must be positive, got {} and {}", log_.scale,
             log_.offset);
  mapped_.resize(channels_.size() * num_states * num_actions);
  for (size_t j = 0; j < channels_.size(); ++j) {
    std::fill_n(mapped_.begin() + j * num_states * num_actions, num_states * num_actions,
                MapValue(channels_[j].mapping, 0.0, log_));
  }
}

double OrchestratedQ::ChannelValue(int64_t j, int64_t s, int64_t a) const {
  return UnmapValue(channels_[j].mapping, mapped_[(j * num_states_ + s) * num_actions_ + a], log_);
}

double OrchestratedQ::Q(int64_t s, int64_t a) const {
  double total = 0.0;
  for (size_t j = 0; j < channels_.size(); ++j) {
    total += channels_[j].weight * ChannelValue(static_cast<int64_t>(j), s, a);
  }
  return total;
}

int64_t OrchestratedQ::Greedy(int64_t s) const {
  int64_t best = 0;
  double best_value = Q(s, 0);
  for (int64_t a = 1; a < num_actions_; ++a) {
    const double value = Q(s, a);
    if (value > best_value) best = a, best_value = value;
  }
  return best;
}

void OrchestratedQ::Update(int64_t s, int64_t a, const double* channel_rewards, int64_t next,
                           double gamma, double beta_reg, double beta_f) {
  const int64_t next_action = Greedy(next);
  for (size_t jj = 0; jj < channels_.size(); ++jj) {
    const int64_t j = static_cast<int64_t>(jj);
    const ValueMapping mapping = channels_[jj].mapping;
    const double current = ChannelValue(j, s, a);
    const double target = channel_rewards[jj] + gamma * ChannelValue(j, next, next_action);
    double regular = current + beta_reg * (target - current);
    if (mapping == ValueMapping::kLog) regular = std::max(regular, 0.0);
    double& mapped = mapped_[(j * num_states_ + s) * num_actions_ + a];
    mapped += beta_f * (MapValue(mapping, regular, log_) - mapped);
  }
}

std::vector<double> OrchestratedQ::QTable() const {
  std::vector<double> q(num_states_ * num_actions_);
  for (int64_t s = 0; s < num_states_; ++s) {
    for (int64_t a = 0; a < num_actions_; ++a) q[s * num_actions_ + a] = Q(s, a);
  }
  return q;
}

void QLearningUpdate(std::vector<double>& q, int64_t num_actions, int64_t s, int64_t a,
                     double reward, int64_t next, double gamma, double alpha) {
  const double* next_row = &q[next * num_actions];
  const double best_next = *std::max_element(next_row, next_row + num_actions);
  double& value = q[s * num_actions + a];
  value += alpha * (reward + gamma * best_next - value);
}

namespace {

struct OvmTask {
  int64_t states = 10;
  int64_t actions = 3;
  int64_t successors = 3;
  double dense_std = 0.1;        // channel 0: Normal(0, dense_std) on every transition
  double sparse_fraction = 0.1;  // channel 1: +-sparse_scale on this fraction of transitions
  double sparse_scale = 10.0;
  double gamma = 0.9;
};

// A random MDP with two reward channels of very different scales: a dense small one and a sparse
// large signed one.
MultiChannelMdp MakeTwoScaleMdp(const OvmTask& task, uint64_t seed) {
  const envs::tabular::FiniteMdp base =
      envs::tabular::MakeRandomMdp({.num_states = task.states,
                                    .num_actions = task.actions,
                                    .successors = task.successors,
                                    .reward_std = task.dense_std,
                                    .gamma = task.gamma,
                                    .seed = DeriveSeed(seed, "ovm-mdp")});
  const int64_t S = task.states, A = task.actions;
  MultiChannelMdp mdp(S, A, 2, task.gamma);
  const torch::Tensor p = base.transitions.contiguous(), r = base.rewards.contiguous();
  std::copy_n(p.data_ptr<double>(), S * A * S, mdp.transitions.begin());
  std::copy_n(base.initial.contiguous().data_ptr<double>(), S, mdp.initial.begin());
  Rng rng(DeriveSeed(seed, "ovm-sparse"));
  for (int64_t i = 0; i < S * A * S; ++i) {
    mdp.rewards[i * 2] = r.data_ptr<double>()[i];
    if (mdp.transitions[i] > 0.0 && rng.Bernoulli(task.sparse_fraction)) {
      mdp.rewards[i * 2 + 1] = rng.Bernoulli(0.5) ? task.sparse_scale : -task.sparse_scale;
    }
  }
  mdp.Validate();
  return mdp;
}

struct LearnerScore {
  double max_q_error = 0.0;
  double optimal_action_rate = 0.0;
  double return_gap = 0.0;  // J(pi*) - J(greedy), from the initial distribution
};

LearnerScore Score(const std::vector<double>& q, const envs::tabular::FiniteMdp& summed,
                   const envs::tabular::ValueIterationResult& optimum) {
  const int64_t S = summed.num_states(), A = summed.num_actions();
  const torch::Tensor learned = torch::tensor(q, torch::kDouble).view({S, A});
  LearnerScore score;
  score.max_q_error = (learned - optimum.q_values).abs().max().item<double>();
  const torch::Tensor greedy = envs::tabular::GreedyPolicy(learned);  // [S, A] one-hot
  constexpr double kOptimalTolerance = 1e-9;
  const torch::Tensor chosen_value = (greedy * optimum.q_values).sum(1);  // [S]
  score.optimal_action_rate =
      (chosen_value >= optimum.values - kOptimalTolerance).to(torch::kDouble).mean().item<double>();
  score.return_gap = envs::tabular::ExpectedReturn(summed, optimum.policy) -
                     envs::tabular::ExpectedReturn(summed, greedy);
  return score;
}

class ValueMappingStudy : public Study {
 public:
  ValueMappingStudy(OvmTask task, ValueMapping sparse_mapping, int64_t steps, double beta_f,
                    double step_exponent)
      : task_(task),
        sparse_mapping_(sparse_mapping),
        steps_(steps),
        beta_f_(beta_f),
        step_exponent_(step_exponent) {}

  std::string Property() const override {
    return "Orchestrated value mapping (a dense identity channel and a sparse large channel "
           "split into positive and negative parts, each learned in log space) converges to Q* "
           "of the summed reward and its greedy policy is optimal: max |Q - Q*|, the rate of "
           "optimal greedy actions and the return gap after a hundredth, a tenth and all of the "
           "sweeps, beside Q-learning on the same samples with the same effective step size";
  }

  StudyResult Run(uint64_t seed) const override {
    const MultiChannelMdp mdp = MakeTwoScaleMdp(task_, seed);
    const envs::tabular::FiniteMdp summed = SummedRewardMdp(mdp);
    const envs::tabular::ValueIterationResult optimum = envs::tabular::ValueIteration(summed);
    const int64_t S = mdp.num_states, A = mdp.num_actions;
    OrchestratedQ orchestrated(
        S, A, {{ValueMapping::kIdentity, 1.0}, {sparse_mapping_, 1.0}, {sparse_mapping_, -1.0}});
    std::vector<double> q(S * A, 0.0);
    Rng rng(DeriveSeed(seed, "ovm-samples"));
    StudyResult result;
    // Checkpoints: a hundredth, a tenth and all of the sweeps.
    const std::pair<int64_t, std::string> checkpoints[] = {
        {std::max<int64_t>(1, steps_ / 100), "_early"},
        {std::max<int64_t>(1, steps_ / 10), "_mid"},
        {steps_, ""}};
    for (int64_t n = 1; n <= steps_; ++n) {
      // The same effective step for both learners: beta_reg beta_f = Q-learning's alpha.
      const double beta_reg = std::pow(static_cast<double>(n), -step_exponent_);
      const double alpha = beta_reg * beta_f_;
      for (int64_t s = 0; s < S; ++s) {
        for (int64_t a = 0; a < A; ++a) {
          const int64_t next = mdp.SampleNext(s, a, rng);
          const double* r = mdp.R(s, a, next);
          const PolarReward sparse = PolarSplit(r[1]);
          const double channels[3] = {r[0], sparse.positive, sparse.negative};
          orchestrated.Update(s, a, channels, next, mdp.gamma, beta_reg, beta_f_);
          QLearningUpdate(q, A, s, a, r[0] + r[1], next, mdp.gamma, alpha);
        }
      }
      for (const auto& [at, suffix] : checkpoints) {
        if (n != at) continue;
        const LearnerScore ovm = Score(orchestrated.QTable(), summed, optimum);
        const LearnerScore plain = Score(q, summed, optimum);
        auto& f = result.figures;
        f.emplace_back("orchestrated_max_q_error" + suffix, ovm.max_q_error);
        f.emplace_back("q_learning_max_q_error" + suffix, plain.max_q_error);
        f.emplace_back("orchestrated_optimal_action_rate" + suffix, ovm.optimal_action_rate);
        f.emplace_back("q_learning_optimal_action_rate" + suffix, plain.optimal_action_rate);
        f.emplace_back("orchestrated_return_gap" + suffix, ovm.return_gap);
        f.emplace_back("q_learning_return_gap" + suffix, plain.return_gap);
      }
    }
    result.figures.emplace_back("q_star_max_abs", optimum.q_values.abs().max().item<double>());
    return result;
  }

 private:
  OvmTask task_;
  ValueMapping sparse_mapping_;
  int64_t steps_;
  double beta_f_;
  double step_exponent_;
};

}  // namespace

StudyRegistry::Entry OrchestratedValueMappingStudy() {
  const OvmTask d;
  return {"orchestrated_value_mapping",
          "Orchestrated Value Mapping (arXiv:2203.07171): channels learned in log space vs Q*",
          {{"states", std::to_string(d.states), "states of the random MDP"},
           {"actions", std::to_string(d.actions), "actions of the random MDP"},
           {"sparse_scale", fmt::format("{}", d.sparse_scale),
            fmt::format("size of the sparse channel's rewards (the dense channel's std is {})",
                        d.dense_std)},
           {"mapping", "log", "mapping of the sparse channel's two parts: log or identity"},
           {"steps", "20000", "synchronous sweeps of sampled transitions over every (s, a)"},
           {"beta_f", "0.5", "mapped-space step (constant)"},
           {"step_exponent", "0.6",
            "beta_reg = n^-step_exponent at sweep n; Q-learning steps by beta_reg beta_f"}},
          [](const SpecArgs& args) -> std::unique_ptr<Study> {
            OvmTask task;
            task.states = args.Get<int64_t>("states");
            task.actions = args.Get<int64_t>("actions");
            task.sparse_scale = args.Get<double>("sparse_scale");
            const std::string mapping = args.Get<std::string>("mapping");
            RLAB_CHECK(mapping == "log" || mapping == "identity",
                       "orchestrated_value_mapping: mapping must be log or identity, got '{}'",
                       mapping);
            const double beta_f = args.Get<double>("beta_f");
            RLAB_CHECK(beta_f > 0.0 && beta_f <= 1.0,
                       "orchestrated_value_mapping: beta_f must be in (0, 1], got {}", beta_f);
            const int64_t steps = args.Get<int64_t>("steps");
            RLAB_CHECK(steps > 0, "orchestrated_value_mapping: steps must be positive");
            return std::make_unique<ValueMappingStudy>(
                task, mapping == "log" ? ValueMapping::kLog : ValueMapping::kIdentity, steps,
                beta_f, args.Get<double>("step_exponent"));
          }};
}

}  // namespace rlab::rl::tabular
