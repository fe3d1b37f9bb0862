#include "rlab/rl/sac.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/core/pair_worker.h"
#include "rlab/core/rng.h"
#include "rlab/data/replay_buffer.h"
#include "rlab/models/fast_mlp.h"
#include "rlab/models/optim/flat_adam.h"
#include "rlab/rl/squashed_gaussian.h"
#include "rlab/models/hidden_widths.h"

namespace rlab::rl {

void SacConfig::Validate() const {
  RLAB_CHECK(num_envs >= 1, "sac.num_envs must be >= 1, got {}", num_envs);
  RLAB_CHECK(buffer_size >= 1, "sac.buffer_size must be >= 1, got {}", buffer_size);
  RLAB_CHECK(gamma > 0 && gamma <= 1, "sac.gamma must be in (0, 1], got {}", gamma);
  RLAB_CHECK(tau > 0 && tau <= 1, "sac.tau must be in (0, 1], got {}", tau);
  RLAB_CHECK(batch_size >= 1, "sac.batch_size must be >= 1, got {}", batch_size);
  RLAB_CHECK(learning_starts >= 0, "sac.learning_starts must be >= 0, got {}", learning_starts);
  RLAB_CHECK(policy_lr > 0 && q_lr > 0, "sac learning rates must be > 0");
  RLAB_CHECK(policy_frequency >= 1 && target_network_frequency >= 1,
             "sac.policy_frequency and sac.target_network_frequency must be >= 1");
  RLAB_CHECK(alpha >= 0, "sac.alpha must be >= 0, got {}", alpha);
  RLAB_CHECK(log_std_min < log_std_max, "sac.log_std_min must be below sac.log_std_max");
  RLAB_CHECK(activation == "tanh" || activation == "relu",
             "sac.activation must be tanh or relu, got '{}'", activation);
  models::CheckHiddenWidths(hidden, "sac.hidden");
}

namespace {

// [B, D] and [B, A] side by side into [B, D + A], the Q networks' input.
void Concat(const float* obs, const float* act, int64_t b, int64_t d, int64_t a,
            std::vector<float>& out) {
  out.resize(b * (d + a));
  for (int64_t i = 0; i < b; ++i) {
    std::copy_n(obs + i * d, d, out.begin() + i * (d + a));
    std::copy_n(act + i * a, a, out.begin() + i * (d + a) + d);
  }
}

class SacAgent final : public Agent {
 public:
  SacAgent(const SacConfig& c, const envs::VectorEnv& env, int64_t total_steps, uint64_t seed,
           bool parallel)
      : c_(c),
        obs_dim_(env.obs_dim()),
        act_dim_(env.action_dim()),
        n_(env.num_envs()),
        actor_(obs_dim_, c.hidden, 2 * act_dim_, models::ParseActivation(c.activation)),
        q1_(obs_dim_ + act_dim_, c.hidden, 1, models::ParseActivation(c.activation)),
        q2_(obs_dim_ + act_dim_, c.hidden, 1, models::ParseActivation(c.activation)),
        q1_target_(q1_),
        q2_target_(q2_),
        log_alpha_(torch::zeros({1})),
        log_alpha_grad_(torch::zeros({1})),
        buffer_(std::max<int64_t>(1, std::min(c.buffer_size, total_steps)), obs_dim_, act_dim_),
        tracker_(n_),
        low_(env.action_space().low()),
        high_(env.action_space().high()),
        act_rng_(DeriveSeed(seed, "actions")),
        sample_rng_(DeriveSeed(seed, "replay")),
        step_(torch::zeros({}, torch::kLong)),
        seed_(seed),
        pair_(parallel) {
    RLAB_CHECK(!env.action_space().is_discrete(),
               "SAC needs a continuous (box) action space; {} has {}", env.name(),
               env.action_space().ToString());
    squash_.log_std_min = c.log_std_min;
    squash_.log_std_max = c.log_std_max;
    for (int64_t j = 0; j < act_dim_; ++j) {
      squash_.scale.push_back(0.5f * (high_[j] - low_[j]));
      squash_.bias.push_back(0.5f * (high_[j] + low_[j]));
    }
    Rng init(DeriveSeed(seed, "init"));
    actor_.InitFanInUniform(init);
    q1_.InitFanInUniform(init);
    q2_.InitFanInUniform(init);
    q1_target_.CopyParamsFrom(q1_);
    q2_target_.CopyParamsFrom(q2_);
    target_entropy_ = c.target_entropy.value_or(-static_cast<double>(act_dim_));
    actor_adam_ = std::make_unique<models::FlatAdam>(actor_.params(), actor_.grads(),
                                                     models::AdamSettings{.lr = c.policy_lr});
    const models::AdamSettings q{.lr = c.q_lr};
    q1_adam_ = std::make_unique<models::FlatAdam>(q1_.params(), q1_.grads(), q);
    q2_adam_ = std::make_unique<models::FlatAdam>(q2_.params(), q2_.grads(), q);
    alpha_adam_ = std::make_unique<models::FlatAdam>(log_alpha_, log_alpha_grad_, q);
  }

  void AddTo(CheckpointState& state) override {
    state.AddTensor("actor", actor_.params());
    state.AddTensor("q1", q1_.params());
    state.AddTensor("q2", q2_.params());
    state.AddTensor("q1_target", q1_target_.params());
    state.AddTensor("q2_target", q2_target_.params());
    state.AddTensor("log_alpha", log_alpha_);
    actor_adam_->AddTo(state, "actor_adam");
    q1_adam_->AddTo(state, "q1_adam");
    q2_adam_->AddTo(state, "q2_adam");
    alpha_adam_->AddTo(state, "alpha_adam");
    buffer_.AddTo(state, "replay");
    state.AddTensor("step", step_);
    state.AddRng("actions", &act_rng_);
    state.AddRng("replay", &sample_rng_);
  }

  void Begin(envs::VectorEnv& env, uint64_t seed) override {
    obs_ = env.Reset(seed).observations;
    tracker_.Reset();
  }

  IterationReport Iterate(envs::VectorEnv& env, const TrainingReward& reward) override {
    IterationReport report;
    const int64_t step = step_.item<int64_t>();
    std::vector<float> actions(n_ * act_dim_);
    if (step < c_.learning_starts) {
      for (int64_t i = 0; i < n_ * act_dim_; ++i) {
        actions[i] = static_cast<float>(act_rng_.Uniform(low_[i % act_dim_], high_[i % act_dim_]));
      }
    } else {
      Act(obs_, n_, false, act_rng_, actions);
    }
    const envs::StepBuffers& b = env.Step(std::span<const float>(actions));
    std::vector<float> trained(n_);
    reward.Compute(obs_, actions, b.next_observations, b.rewards, n_, trained);
    tracker_.Record(b, trained, report.episodes);
    for (int64_t i = 0; i < n_; ++i) {
      buffer_.Add(obs_.data() + i * obs_dim_, actions.data() + i * act_dim_, trained[i],
                  b.next_observations.data() + i * obs_dim_, b.terminated[i] != 0);
    }
    obs_ = b.observations;
    report.env_steps = n_;

    // CleanRL counts one step per vector step and learns once the count passes learning_starts.
    if (step > c_.learning_starts) {
      buffer_.Sample(c_.batch_size, sample_rng_, batch_);
      UpdateCritics();
      if (step % c_.policy_frequency == 0) {
        for (int64_t k = 0; k < c_.policy_frequency; ++k) UpdateActor();
      }
      if (step % c_.target_network_frequency == 0) {
        pair_.Run([&] { q1_target_.SoftUpdateFrom(q1_, c_.tau); },
                  [&] { q2_target_.SoftUpdateFrom(q2_, c_.tau); });
      }
      report.update_metrics = {{"qf1_loss", qf1_loss_},   {"qf2_loss", qf2_loss_},
                               {"qf1_values", qf1_mean_}, {"actor_loss", actor_loss_},
                               {"alpha", Alpha()},        {"alpha_loss", alpha_loss_}};
    }
    step_.fill_(step + 1);
    return report;
  }

  void RelabelReplay(const RelabelFn& fn) override { buffer_.Relabel(fn); }

  // PEBBLE's reset_critic: fresh critics (from a generator of their own, drawn from the
  // agent's seed and the number of resets so far), targets copied from them, fresh Adam.
  void ResetCritics() override {
    Rng init(DeriveSeed(seed_, fmt::format("critic-reset-{}", step_.item<int64_t>())));
    q1_.InitFanInUniform(init);
    q2_.InitFanInUniform(init);
    q1_target_.CopyParamsFrom(q1_);
    q2_target_.CopyParamsFrom(q2_);
    const models::AdamSettings q{.lr = c_.q_lr};
    q1_adam_ = std::make_unique<models::FlatAdam>(q1_.params(), q1_.grads(), q);
    q2_adam_ = std::make_unique<models::FlatAdam>(q2_.params(), q2_.grads(), q);
  }

  void Act(std::span<const float> obs, int64_t n, bool deterministic, Rng& rng,
           std::vector<float>& actions) override {
    const float* raw = actor_.Forward(obs.data(), n, act_tape_);
    actions.resize(n * act_dim_);
    if (deterministic) {
      MeanAction(raw, n, squash_, actions);
    } else {
      SampleSquashed(raw, n, squash_, rng, act_sample_);
      std::copy(act_sample_.actions.begin(), act_sample_.actions.end(), actions.begin());
    }
  }

 private:
  double Alpha() const {
    return c_.autotune ? std::exp(static_cast<double>(log_alpha_.data_ptr<float>()[0])) : c_.alpha;
  }

  void UpdateCritics() {
    const int64_t bs = batch_.size;
    const double alpha = Alpha();
    // Soft Bellman target
    //   y = r + gamma (1 - terminated) (min_k Q'_k(s', a') - alpha log pi(a'|s')).
    const float* raw = actor_.Forward(batch_.next_obs.data(), bs, actor_tape_);
    SampleSquashed(raw, bs, squash_, sample_rng_, sample_);
    Concat(batch_.next_obs.data(), sample_.actions.data(), bs, obs_dim_, act_dim_, q_input_);
    const float* t1 = nullptr;
    const float* t2 = nullptr;
    pair_.Run([&] { t1 = q1_target_.Forward(q_input_.data(), bs, target_tape1_); },
              [&] { t2 = q2_target_.Forward(q_input_.data(), bs, target_tape2_); });
    target_.resize(bs);
    for (int64_t i = 0; i < bs; ++i) {
      const double next = std::min(t1[i], t2[i]) - alpha * sample_.logprobs[i];
      target_[i] =
          static_cast<float>(batch_.rewards[i] + (1.0 - batch_.terminated[i]) * c_.gamma * next);
    }
    Concat(batch_.obs.data(), batch_.actions.data(), bs, obs_dim_, act_dim_, q_input_);
    pair_.Run([&] { qf1_loss_ = FitQ(q1_, *q1_adam_, q_tape1_, grad1_, &qf1_mean_); },
              [&] { qf2_loss_ = FitQ(q2_, *q2_adam_, q_tape2_, grad2_, nullptr); });
  }

  // One Adam step on mean((Q(s, a) - y)^2); returns the loss.
  double FitQ(models::FastMlp& q, models::FlatAdam& adam, models::MlpTape& tape,
              std::vector<float>& grad, double* mean_q) {
    const int64_t bs = batch_.size;
    const float* v = q.Forward(q_input_.data(), bs, tape);
    grad.resize(bs);
    double loss = 0.0, sum_q = 0.0;
    for (int64_t i = 0; i < bs; ++i) {
      const double d = v[i] - target_[i];
      loss += d * d / bs;
      sum_q += v[i];
      grad[i] = static_cast<float>(2.0 * d / bs);
    }
    if (mean_q) *mean_q = sum_q / bs;
    q.ZeroGrad();
    q.Backward(tape, grad.data(), nullptr);
    adam.Step();
    return loss;
  }

  void UpdateActor() {
    const int64_t bs = batch_.size, in = obs_dim_ + act_dim_;
    const double alpha = Alpha();
    // Actor loss mean(alpha log pi(a|s) - min_k Q_k(s, a)) with a reparameterised a.
    const float* raw = actor_.Forward(batch_.obs.data(), bs, actor_tape_);
    SampleSquashed(raw, bs, squash_, sample_rng_, sample_);
    Concat(batch_.obs.data(), sample_.actions.data(), bs, obs_dim_, act_dim_, q_input_);
    const float* v1 = nullptr;
    const float* v2 = nullptr;
    pair_.Run([&] { v1 = q1_.Forward(q_input_.data(), bs, q_tape1_); },
              [&] { v2 = q2_.Forward(q_input_.data(), bs, q_tape2_); });
    std::vector<float> g1(bs, 0.0f), g2(bs, 0.0f);
    double loss = 0.0;
    for (int64_t i = 0; i < bs; ++i) {
      const bool first = v1[i] <= v2[i];
      (first ? g1 : g2)[i] = -1.0f / static_cast<float>(bs);
      loss += (alpha * sample_.logprobs[i] - std::min(v1[i], v2[i])) / bs;
    }
    actor_loss_ = loss;
    dq1_.resize(bs * in);
    dq2_.resize(bs * in);
    pair_.Run(
        [&] { q1_.Backward(q_tape1_, g1.data(), dq1_.data(), /*accumulate_param_grads=*/false); },
        [&] { q2_.Backward(q_tape2_, g2.data(), dq2_.data(), /*accumulate_param_grads=*/false); });
    d_actions_.resize(bs * act_dim_);
    for (int64_t i = 0; i < bs; ++i) {
      for (int64_t j = 0; j < act_dim_; ++j) {
        d_actions_[i * act_dim_ + j] = dq1_[i * in + obs_dim_ + j] + dq2_[i * in + obs_dim_ + j];
      }
    }
    d_raw_.resize(bs * 2 * act_dim_);
    SquashedBackward(sample_, alpha / bs, d_actions_, squash_, d_raw_);
    actor_.ZeroGrad();
    actor_.Backward(actor_tape_, d_raw_.data(), nullptr);
    actor_adam_->Step();

    if (c_.autotune) {
      // Temperature loss mean(-alpha (log pi(a|s) + target_entropy)) on a fresh sample.
      const float* raw2 = actor_.Forward(batch_.obs.data(), bs, actor_tape_);
      SampleSquashed(raw2, bs, squash_, sample_rng_, sample_);
      double mean_term = 0.0;
      for (int64_t i = 0; i < bs; ++i) mean_term += (sample_.logprobs[i] + target_entropy_) / bs;
      const double a = Alpha();
      alpha_loss_ = -a * mean_term;
      log_alpha_grad_.data_ptr<float>()[0] = static_cast<float>(-a * mean_term);
      alpha_adam_->Step();
    }
  }

  SacConfig c_;
  int64_t obs_dim_, act_dim_, n_;
  models::FastMlp actor_, q1_, q2_, q1_target_, q2_target_;
  torch::Tensor log_alpha_, log_alpha_grad_;  // [1]
  std::unique_ptr<models::FlatAdam> actor_adam_, q1_adam_, q2_adam_, alpha_adam_;
  data::ReplayBuffer buffer_;
  EpisodeTracker tracker_;
  std::vector<float> low_, high_;
  SquashSettings squash_;
  double target_entropy_ = 0;
  Rng act_rng_, sample_rng_;
  torch::Tensor step_;  // [] int64 environment steps taken (vector steps)
  uint64_t seed_;
  std::vector<float> obs_;  // [N, D]
  data::ReplayBatch batch_;
  SquashedSample sample_, act_sample_;
  std::vector<float> q_input_, target_, grad1_, grad2_, dq1_, dq2_, d_actions_, d_raw_;
  models::MlpTape actor_tape_, q_tape1_, q_tape2_, target_tape1_, target_tape2_, act_tape_;
  double qf1_loss_ = 0, qf2_loss_ = 0, qf1_mean_ = 0, actor_loss_ = 0, alpha_loss_ = 0;
  PairWorker pair_;
};

}  // namespace

std::unique_ptr<Agent> MakeSacAgent(const SacConfig& config, const envs::VectorEnv& env,
                                    int64_t total_steps, uint64_t seed, bool parallel_networks) {
  return std::make_unique<SacAgent>(config, env, total_steps, seed, parallel_networks);
}

}  // namespace rlab::rl
