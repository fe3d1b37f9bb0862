#include "rlab/rl/ppo.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/core/pair_worker.h"
#include "rlab/core/rng.h"
#include "rlab/models/fast_mlp.h"
#include "rlab/rl/categorical_sample.h"
#include "rlab/models/optim/flat_adam.h"
#include "rlab/rl/gae.h"
#include "rlab/rl/ppo_loss.h"
#include "rlab/rl/running_mean_std.h"
#include "rlab/models/hidden_widths.h"

namespace rlab::rl {

void PpoConfig::Validate() const {
  auto positive = [](const auto& v, const char* name) {
    RLAB_CHECK(!v || *v >= 1, "ppo.{} must be >= 1 or auto, got {}", name, *v);
  };
  positive(num_envs, "num_envs");
  positive(num_steps, "num_steps");
  positive(num_minibatches, "num_minibatches");
  positive(update_epochs, "update_epochs");
  RLAB_CHECK(!learning_rate || *learning_rate > 0, "ppo.learning_rate must be > 0");
  RLAB_CHECK(!ent_coef || *ent_coef >= 0, "ppo.ent_coef must be >= 0");
  RLAB_CHECK(gamma > 0 && gamma <= 1, "ppo.gamma must be in (0, 1], got {}", gamma);
  RLAB_CHECK(gae_lambda >= 0 && gae_lambda <= 1, "ppo.gae_lambda must be in [0, 1], got {}",
             gae_lambda);
  RLAB_CHECK(clip_coef > 0, "ppo.clip_coef must be > 0, got {}", clip_coef);
  RLAB_CHECK(max_grad_norm > 0, "ppo.max_grad_norm must be > 0, got {}", max_grad_norm);
  RLAB_CHECK(target_kl >= 0, "ppo.target_kl must be >= 0, got {}", target_kl);
  RLAB_CHECK(activation == "tanh" || activation == "relu",
             "ppo.activation must be tanh or relu, got '{}'", activation);
  models::CheckHiddenWidths(hidden, "ppo.hidden");
}

PpoSettings ResolvePpo(const PpoConfig& c, bool discrete, int64_t total_steps) {
  PpoSettings s;
  s.num_envs = c.num_envs.value_or(discrete ? 4 : 1);
  s.num_steps = c.num_steps.value_or(discrete ? 128 : 2048);
  s.num_minibatches = c.num_minibatches.value_or(discrete ? 4 : 32);
  s.update_epochs = c.update_epochs.value_or(discrete ? 4 : 10);
  s.learning_rate = c.learning_rate.value_or(discrete ? 2.5e-4 : 3e-4);
  s.ent_coef = c.ent_coef.value_or(discrete ? 0.01 : 0.0);
  s.norm_obs = c.norm_obs.value_or(!discrete);
  s.norm_reward = c.norm_reward.value_or(!discrete);
  s.config = c;
  s.total_steps = total_steps;
  RLAB_CHECK(s.batch_size() % s.num_minibatches == 0,
             "ppo: num_envs * num_steps = {} is not divisible by num_minibatches = {}",
             s.batch_size(), s.num_minibatches);
  return s;
}

namespace {

class PpoAgent final : public Agent {
 public:
  PpoAgent(const PpoSettings& s, const envs::VectorEnv& env, uint64_t seed)
      : s_(s),
        discrete_(env.action_space().is_discrete()),
        obs_dim_(env.obs_dim()),
        width_(discrete_ ? env.action_space().n() : env.action_dim()),
        action_cols_(discrete_ ? 1 : width_),
        n_(env.num_envs()),
        actor_(obs_dim_, s.config.hidden, width_, models::ParseActivation(s.config.activation)),
        critic_(obs_dim_, s.config.hidden, 1, models::ParseActivation(s.config.activation)),
        log_std_(torch::zeros({width_})),
        log_std_grad_(torch::zeros({width_})),
        obs_rms_(obs_dim_),
        return_norm_(n_, s.config.gamma),
        tracker_(n_),
        act_rng_(DeriveSeed(seed, "actions")),
        shuffle_rng_(DeriveSeed(seed, "minibatches")),
        iteration_(torch::zeros({}, torch::kLong)),
        pair_(s.parallel_networks) {
    RLAB_CHECK(n_ == s.num_envs, "ppo: the environment has {} copies, settings say {}", n_,
               s.num_envs);
    // CleanRL's layer_init: orthogonal, gain sqrt(2) in hidden layers; 0.01 on the policy
    // output so that the first policy is nearly uniform, 1 on the value output.
    Rng init(DeriveSeed(seed, "init"));
    actor_.InitOrthogonal(std::sqrt(2.0), 0.01, init);
    critic_.InitOrthogonal(std::sqrt(2.0), 1.0, init);
    const models::AdamSettings adam{.lr = s.learning_rate, .eps = s.config.adam_eps};
    actor_adam_ = std::make_unique<models::FlatAdam>(actor_.params(), actor_.grads(), adam);
    critic_adam_ = std::make_unique<models::FlatAdam>(critic_.params(), critic_.grads(), adam);
    log_std_adam_ = std::make_unique<models::FlatAdam>(log_std_, log_std_grad_, adam);
    const int64_t b = s.batch_size();
    obs_.resize(b * obs_dim_);
    actions_.resize(b * action_cols_);
    logprobs_.resize(b);
    rewards_.resize(b);
    dones_.resize(b);
    values_.resize(b);
    advantages_.resize(b);
    returns_.resize(b);
  }

  void AddTo(CheckpointState& state) override {
    state.AddTensor("actor", actor_.params());
    state.AddTensor("critic", critic_.params());
    state.AddTensor("log_std", log_std_);
    actor_adam_->AddTo(state, "actor_adam");
    critic_adam_->AddTo(state, "critic_adam");
    log_std_adam_->AddTo(state, "log_std_adam");
    obs_rms_.AddTo(state, "obs_rms");
    return_norm_.AddTo(state, "return_norm");
    state.AddTensor("iteration", iteration_);
    state.AddRng("actions", &act_rng_);
    state.AddRng("minibatches", &shuffle_rng_);
  }

  void Begin(envs::VectorEnv& env, uint64_t seed) override {
    const envs::StepBuffers& b = env.Reset(seed);
    raw_obs_ = b.observations;
    ObserveNew();
    tracker_.Reset();
  }

  IterationReport Iterate(envs::VectorEnv& env, const TrainingReward& reward) override {
    IterationReport report;
    const int64_t iteration = iteration_.item<int64_t>();
    if (s_.config.anneal_lr) {
      const double frac = std::max(0.0, 1.0 - static_cast<double>(iteration) / s_.num_iterations());
      SetLearningRate(frac * s_.learning_rate);
    }
    Rollout(env, reward, report);
    report.update_metrics = Update();
    report.update_metrics.emplace_back("learning_rate", actor_adam_->lr());
    iteration_.fill_(iteration + 1);
    return report;
  }

  void Act(std::span<const float> obs, int64_t n, bool deterministic, Rng& rng,
           std::vector<float>& actions) override {
    std::vector<float> x(obs.begin(), obs.end());
    if (s_.norm_obs) obs_rms_.Normalize(x, n, s_.config.clip_obs);
    const float* out = actor_.Forward(x.data(), n, eval_tape_);
    actions.resize(n * action_cols_);
    std::vector<float> unused(n);
    SampleActions(out, n, deterministic, rng, actions.data(), unused.data());
  }

 private:
  void SetLearningRate(double lr) {
    actor_adam_->set_lr(lr);
    critic_adam_->set_lr(lr);
    log_std_adam_->set_lr(lr);
  }

  // raw_obs_ holds the environment's latest observations: update the running statistics
  // (as Gymnasium's NormalizeObservation does on every observation) and normalise a copy.
  void ObserveNew() {
    obs_norm_ = raw_obs_;
    if (s_.norm_obs) {
      obs_rms_.Update(raw_obs_, n_);
      obs_rms_.Normalize(obs_norm_, n_, s_.config.clip_obs);
    }
  }

  // Draws actions from the policy outputs [N, K]; writes actions [N, cols] and log-probs [N].
  void SampleActions(const float* out, int64_t n, bool deterministic, Rng& rng, float* actions,
                     float* logprobs) {
    const double half_log_2pi = 0.5 * std::log(2.0 * M_PI);
    const float* log_std = log_std_.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) {
      const float* z = out + i * width_;
      if (discrete_) {
        double lp = 0.0;
        actions[i] = static_cast<float>(SampleCategorical(z, width_, deterministic, rng, &lp));
        logprobs[i] = static_cast<float>(lp);
      } else {
        double lp = 0.0;
        for (int64_t j = 0; j < width_; ++j) {
          const double eps = deterministic ? 0.0 : rng.Normal();
          actions[i * width_ + j] = static_cast<float>(z[j] + std::exp(log_std[j]) * eps);
          lp += -0.5 * eps * eps - log_std[j] - half_log_2pi;
        }
        logprobs[i] = static_cast<float>(lp);
      }
    }
  }

  void Rollout(envs::VectorEnv& env, const TrainingReward& reward, IterationReport& report) {
    std::vector<float> trained(n_), step_actions(n_ * action_cols_);
    std::vector<int64_t> indices(n_);
    for (int64_t t = 0; t < s_.num_steps; ++t) {
      const int64_t row = t * n_;
      std::copy(obs_norm_.begin(), obs_norm_.end(), obs_.begin() + row * obs_dim_);
      const float* out = actor_.Forward(obs_norm_.data(), n_, actor_tape_);
      const float* v = critic_.Forward(obs_norm_.data(), n_, critic_tape_);
      std::copy(v, v + n_, values_.begin() + row);
      float* acts = actions_.data() + row * action_cols_;
      SampleActions(out, n_, false, act_rng_, acts, logprobs_.data() + row);

      const std::vector<float> prev_raw = raw_obs_;
      const envs::StepBuffers* b;
      if (discrete_) {
        for (int64_t i = 0; i < n_; ++i) indices[i] = static_cast<int64_t>(acts[i]);
        b = &env.Step(std::span<const int64_t>(indices));
      } else {
        b = &env.Step(std::span<const float>(acts, n_ * action_cols_));
      }
      // What the environment executed (box actions clipped to the bounds), for the reward.
      std::copy(acts, acts + n_ * action_cols_, step_actions.begin());
      if (!discrete_) ClipToBounds(env.action_space(), step_actions);
      reward.Compute(prev_raw, step_actions, b->next_observations, b->rewards, n_, trained);
      tracker_.Record(*b, trained, report.episodes);
      if (s_.norm_reward) return_norm_.Apply(trained, b->done, s_.config.clip_reward);
      if (s_.config.bootstrap_truncated) BootstrapTruncated(*b, trained);
      std::copy(trained.begin(), trained.end(), rewards_.begin() + row);
      std::copy(b->done.begin(), b->done.end(), dones_.begin() + row);
      raw_obs_ = b->observations;
      ObserveNew();
    }
    report.env_steps = s_.batch_size();
    const float* last = critic_.Forward(obs_norm_.data(), n_, critic_tape_);
    const std::vector<float> last_values(last, last + n_);
    ComputeGae(rewards_, values_, dones_, last_values, s_.num_steps, n_, s_.config.gamma,
               s_.config.gae_lambda, advantages_, returns_);
  }

  static void ClipToBounds(const envs::Space& space, std::vector<float>& actions) {
    const int64_t a = space.flat_dim();
    for (size_t i = 0; i < actions.size(); ++i) {
      actions[i] = std::clamp(actions[i], space.low()[i % a], space.high()[i % a]);
    }
  }

  // rewards[i] += gamma V(final observation) where episode i was truncated, not terminated.
  void BootstrapTruncated(const envs::StepBuffers& b, std::vector<float>& rewards) {
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < n_; ++i) {
      if (b.truncated[i] && !b.terminated[i]) rows.push_back(i);
    }
    if (rows.empty()) return;
    std::vector<float> final_obs(rows.size() * obs_dim_);
    for (size_t r = 0; r < rows.size(); ++r) {
      std::copy_n(b.next_observations.begin() + rows[r] * obs_dim_, obs_dim_,
                  final_obs.begin() + r * obs_dim_);
    }
    const int64_t count = static_cast<int64_t>(rows.size());
    if (s_.norm_obs) obs_rms_.Normalize(final_obs, count, s_.config.clip_obs);
    const float* v = critic_.Forward(final_obs.data(), count, eval_tape_);
    for (size_t r = 0; r < rows.size(); ++r) {
      rewards[rows[r]] += static_cast<float>(s_.config.gamma * v[r]);
    }
  }

  MetricList Update() {
    const int64_t batch = s_.batch_size(), mb = s_.minibatch_size();
    std::vector<int64_t> order(batch);
    std::iota(order.begin(), order.end(), 0);
    const PpoLossSettings loss_settings{s_.config.clip_coef, s_.config.clip_vloss, s_.ent_coef,
                                        s_.config.vf_coef};
    std::vector<float> mb_obs(mb * obs_dim_), mb_actions(mb * action_cols_), mb_logprobs(mb),
        mb_adv(mb), mb_returns(mb), mb_values(mb);
    const std::vector<torch::Tensor> grads = {actor_.grads(), critic_.grads(), log_std_grad_};
    PpoLossGrads g;
    PpoLossStats sum;
    int64_t updates = 0;
    for (int64_t epoch = 0; epoch < s_.update_epochs; ++epoch) {
      for (int64_t i = batch - 1; i > 0; --i)
        std::swap(order[i], order[shuffle_rng_.UniformInt(i + 1)]);
      double epoch_kl = 0.0;
      for (int64_t start = 0; start + mb <= batch; start += mb) {
        for (int64_t k = 0; k < mb; ++k) {
          const int64_t src = order[start + k];
          std::copy_n(obs_.begin() + src * obs_dim_, obs_dim_, mb_obs.begin() + k * obs_dim_);
          std::copy_n(actions_.begin() + src * action_cols_, action_cols_,
                      mb_actions.begin() + k * action_cols_);
          mb_logprobs[k] = logprobs_[src];
          mb_adv[k] = advantages_[src];
          mb_returns[k] = returns_[src];
          mb_values[k] = values_[src];
        }
        if (s_.config.norm_adv) NormaliseAdvantages(mb_adv);
        // The actor and the critic share nothing but the gradient-norm clip: each half of
        // the update runs on its own thread when two are available.
        const float* out = nullptr;
        const float* v = nullptr;
        pair_.Run([&] { out = actor_.Forward(mb_obs.data(), mb, actor_tape_); },
                  [&] { v = critic_.Forward(mb_obs.data(), mb, critic_tape_); });
        PpoMinibatch m{mb,
                       width_,
                       discrete_,
                       out,
                       log_std_.data_ptr<float>(),
                       v,
                       mb_actions.data(),
                       mb_logprobs.data(),
                       mb_adv.data(),
                       mb_returns.data(),
                       mb_values.data()};
        const PpoLossStats st = PpoLoss(m, loss_settings, g);
        pair_.Run(
            [&] {
              actor_.ZeroGrad();
              actor_.Backward(actor_tape_, g.d_policy_out.data(), nullptr);
            },
            [&] {
              critic_.ZeroGrad();
              critic_.Backward(critic_tape_, g.d_values.data(), nullptr);
            });
        float* dls = log_std_grad_.data_ptr<float>();
        for (int64_t j = 0; j < width_; ++j) dls[j] = discrete_ ? 0.0f : g.d_log_std[j];
        models::ClipGradNorm(grads, s_.config.max_grad_norm);
        pair_.Run([&] { actor_adam_->Step(); }, [&] { critic_adam_->Step(); });
        if (!discrete_) log_std_adam_->Step();
        Accumulate(sum, st);
        epoch_kl = st.approx_kl;
        ++updates;
      }
      if (s_.config.target_kl > 0 && epoch_kl > s_.config.target_kl) break;
    }
    const double u = static_cast<double>(std::max<int64_t>(updates, 1));
    return {{"loss", sum.loss / u},           {"policy_loss", sum.pg_loss / u},
            {"value_loss", sum.v_loss / u},   {"entropy", sum.entropy / u},
            {"approx_kl", sum.approx_kl / u}, {"old_approx_kl", sum.old_approx_kl / u},
            {"clipfrac", sum.clipfrac / u},   {"explained_variance", ExplainedVariance()}};
  }

  static void Accumulate(PpoLossStats& sum, const PpoLossStats& st) {
    sum.loss += st.loss;
    sum.pg_loss += st.pg_loss;
    sum.v_loss += st.v_loss;
    sum.entropy += st.entropy;
    sum.approx_kl += st.approx_kl;
    sum.old_approx_kl += st.old_approx_kl;
    sum.clipfrac += st.clipfrac;
  }

  // (A - mean) / (std + 1e-8) with the unbiased std, as CleanRL.
  static void NormaliseAdvantages(std::vector<float>& adv) {
    const double n = static_cast<double>(adv.size());
    double mean = 0.0;
    for (float a : adv) mean += a;
    mean /= n;
    double var = 0.0;
    for (float a : adv) var += (a - mean) * (a - mean);
    const double std = n > 1 ? std::sqrt(var / (n - 1)) : 0.0;
    for (float& a : adv) a = static_cast<float>((a - mean) / (std + 1e-8));
  }

  // 1 - Var(returns - values) / Var(returns) over the rollout.
  double ExplainedVariance() const {
    const double n = static_cast<double>(returns_.size());
    double mr = 0, md = 0;
    for (size_t i = 0; i < returns_.size(); ++i) {
      mr += returns_[i];
      md += returns_[i] - values_[i];
    }
    mr /= n;
    md /= n;
    double vr = 0, vd = 0;
    for (size_t i = 0; i < returns_.size(); ++i) {
      vr += (returns_[i] - mr) * (returns_[i] - mr);
      const double d = returns_[i] - values_[i] - md;
      vd += d * d;
    }
    return vr == 0 ? std::nan("") : 1.0 - vd / vr;
  }

  PpoSettings s_;
  bool discrete_;
  int64_t obs_dim_, width_, action_cols_, n_;
  models::FastMlp actor_, critic_;
  torch::Tensor log_std_, log_std_grad_;  // [K], used by Gaussian policies
  std::unique_ptr<models::FlatAdam> actor_adam_, critic_adam_, log_std_adam_;
  RunningMeanStd obs_rms_;
  ReturnNormalizer return_norm_;
  EpisodeTracker tracker_;
  Rng act_rng_, shuffle_rng_;
  torch::Tensor iteration_;  // [] int64, updates done (for annealing, restored on resume)
  std::vector<float> raw_obs_, obs_norm_;  // [N, D]
  // The rollout, time-major [T, N, ...].
  std::vector<float> obs_, actions_, logprobs_, rewards_, values_, advantages_, returns_;
  std::vector<uint8_t> dones_;
  models::MlpTape actor_tape_, critic_tape_, eval_tape_;
  PairWorker pair_;
};

}  // namespace

std::unique_ptr<Agent> MakePpoAgent(const PpoSettings& settings, const envs::VectorEnv& env,
                                    uint64_t seed) {
  return std::make_unique<PpoAgent>(settings, env, seed);
}

}  // namespace rlab::rl
