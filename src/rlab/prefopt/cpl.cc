#include "rlab/prefopt/cpl.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/core/rng.h"
#include "rlab/prefopt/cpl_policy.h"
#include "rlab/models/hidden_widths.h"

namespace rlab::prefopt {

void CplConfig::Validate() const {
  RLAB_CHECK(alpha > 0, "cpl.alpha must be > 0, got {}", alpha);
  RLAB_CHECK(lambda > 0 && lambda <= 1, "cpl.lambda must be in (0, 1], got {}", lambda);
  RLAB_CHECK(gamma > 0 && gamma <= 1, "cpl.gamma must be in (0, 1], got {}", gamma);
  RLAB_CHECK(bc_weight >= 0, "cpl.bc_weight must be >= 0, got {}", bc_weight);
  RLAB_CHECK(lr > 0, "cpl.lr must be > 0, got {}", lr);
  RLAB_CHECK(init_std > 0, "cpl.init_std must be > 0, got {}", init_std);
  RLAB_CHECK(batch_size >= 1 && steps_per_round >= 0 && num_envs >= 1 && num_steps >= 1,
             "cpl.batch_size, num_envs and num_steps must be >= 1, steps_per_round >= 0");
  models::CheckHiddenWidths(hidden, "cpl.hidden");
}

torch::Tensor CplLoss(const torch::Tensor& preferred, const torch::Tensor& dispreferred,
                      double lambda) {
  return -torch::log_sigmoid(preferred - lambda * dispreferred);
}

namespace {

class PolicyCplAgent final : public CplAgent {
 public:
  PolicyCplAgent(const CplConfig& c, const envs::VectorEnv& env, uint64_t seed)
      : c_(c),
        n_(env.num_envs()),
        discrete_(env.action_space().is_discrete()),
        policy_(
            discrete_
                ? MakeCategoricalCplPolicy(env.obs_dim(), env.action_space().n(), c.hidden)
                : MakeGaussianCplPolicy(env.obs_dim(), env.action_space(), c.hidden, c.init_std)),
        tracker_(n_),
        act_rng_(DeriveSeed(seed, "actions")),
        batch_rng_(DeriveSeed(seed, "cpl-batches")) {
    optimizer_ = std::make_unique<torch::optim::Adam>(policy_->module()->parameters(),
                                                      torch::optim::AdamOptions(c.lr));
  }

  void AddTo(CheckpointState& state) override {
    state.AddModule("cpl_policy", policy_->module());
    state.AddOptimizer("cpl_adam", optimizer_.get());
    state.AddRng("cpl_actions", &act_rng_);
    state.AddRng("cpl_batches", &batch_rng_);
  }

  void Begin(envs::VectorEnv& env, uint64_t seed) override {
    obs_ = env.Reset(seed).observations;
    tracker_.Reset();
  }

  rl::IterationReport Iterate(envs::VectorEnv& env, const rl::TrainingReward&) override {
    rl::IterationReport report;
    std::vector<float> actions;
    std::vector<int64_t> indices(n_);
    const std::vector<float> zeros(n_, 0.0f);
    for (int64_t t = 0; t < c_.num_steps; ++t) {
      Act(obs_, n_, false, act_rng_, actions);
      const envs::StepBuffers* b = nullptr;
      if (discrete_) {
        for (int64_t i = 0; i < n_; ++i) indices[i] = static_cast<int64_t>(actions[i]);
        b = &env.Step(std::span<const int64_t>(indices));
      } else {
        b = &env.Step(std::span<const float>(actions));
      }
      tracker_.Record(*b, zeros, report.episodes);  // no reward is trained on
      obs_ = b->observations;
    }
    report.env_steps = n_ * c_.num_steps;
    return report;
  }

  void Act(std::span<const float> obs, int64_t n, bool deterministic, Rng& rng,
           std::vector<float>& actions) override {
    policy_->Act(obs, n, deterministic, rng, actions);
  }

  torch::Tensor SegmentScores(const torch::Tensor& obs, const torch::Tensor& actions,
                              const torch::Tensor& absorbing) override {
    const int64_t h = obs.size(1);
    torch::Tensor taken = policy_->LogProb(obs, actions);  // [N, H]
    // An absorbing state offers no choice: its advantage, alpha log pi, is 0.
    if (absorbing.defined()) taken = taken.masked_fill(absorbing, 0.0);
    const torch::Tensor discount =
        torch::pow(torch::full({h}, c_.gamma), torch::arange(h, torch::kFloat));  // [H]
    return c_.alpha * (taken * discount).sum(1);                                  // [N]
  }

  MetricList TrainOnPreferences(const reward::PreferencePairs& pairs) override {
    const int64_t n = pairs.size();
    if (n == 0 || c_.steps_per_round == 0) return {};
    double loss_sum = 0.0;
    for (int64_t step = 0; step < c_.steps_per_round; ++step) {
      std::vector<int64_t> rows(std::min(n, c_.batch_size));
      for (int64_t& r : rows) r = batch_rng_.UniformInt(n);
      const reward::PreferencePairs b = pairs.Index(torch::tensor(rows, torch::kLong));
      const torch::Tensor s1 = SegmentScores(b.first.obs, b.first.actions, b.first.absorbing);
      const torch::Tensor s2 = SegmentScores(b.second.obs, b.second.actions, b.second.absorbing);
      const torch::Tensor second = b.labels.to(torch::kFloat);  // weight of "second preferred"
      torch::Tensor loss =
          ((1 - second) * CplLoss(s1, s2, c_.lambda) + second * CplLoss(s2, s1, c_.lambda)).mean();
      if (c_.bc_weight > 0) {
        // -log pi of the preferred segment's actions (both segments of a tie, half each).
        const torch::Tensor bc =
            ((1 - second) * s1 + second * s2) / (c_.alpha * b.first.obs.size(1));
        loss = loss - c_.bc_weight * bc.mean();
      }
      optimizer_->zero_grad();
      loss.backward();
      optimizer_->step();
      loss_sum += loss.item<double>();
    }
    torch::NoGradGuard no_grad;
    const torch::Tensor s1 =
        SegmentScores(pairs.first.obs, pairs.first.actions, pairs.first.absorbing);
    const torch::Tensor s2 =
        SegmentScores(pairs.second.obs, pairs.second.actions, pairs.second.absorbing);
    const torch::Tensor decided = pairs.labels != 0.5f;
    const torch::Tensor right = ((s2 > s1) == (pairs.labels > 0.5f)) & decided;
    const double counted = decided.sum().item<double>();
    return {
        {"cpl/loss", loss_sum / c_.steps_per_round},
        {"cpl/train_accuracy", counted > 0 ? right.sum().item<double>() / counted : std::nan("")}};
  }

 private:
  CplConfig c_;
  int64_t n_;
  bool discrete_;
  std::unique_ptr<CplPolicy> policy_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  rl::EpisodeTracker tracker_;
  Rng act_rng_, batch_rng_;
  std::vector<float> obs_;  // [N, D]
};

}  // namespace

std::unique_ptr<CplAgent> MakeCplAgent(const CplConfig& config, const envs::VectorEnv& env,
                                       uint64_t seed) {
  config.Validate();
  return std::make_unique<PolicyCplAgent>(config, env, seed);
}

}  // namespace rlab::prefopt
