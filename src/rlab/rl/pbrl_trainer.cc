#include "rlab/rl/pbrl_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/core/config.h"
#include "rlab/feedback/query_selection.h"
#include "rlab/reward/signal/reward_fn.h"

namespace rlab::rl {

void PbrlFeedbackConfig::Validate() const {
  RLAB_CHECK(budget >= 0, "feedback.budget must be >= 0, got {}", budget);
  RLAB_CHECK(batch >= 1, "feedback.batch must be >= 1, got {}", batch);
  RLAB_CHECK(every >= 1, "feedback.every must be >= 1 step, got {}", every);
  RLAB_CHECK(start >= 0, "feedback.start must be >= 0, got {}", start);
  RLAB_CHECK(segment_length >= 1, "feedback.segment_length must be >= 1, got {}", segment_length);
  RLAB_CHECK(store_episodes >= 1, "feedback.store_episodes must be >= 1, got {}", store_episodes);
}

namespace {

// Room for every query of the budget, the selector's candidate pools and the evaluation's
// fresh pairs.
data::TrajectoryStoreOptions PbrlStoreOptions(const envs::VectorEnv& env,
                                              const PbrlTrainerOptions& o) {
  data::TrajectoryStoreOptions so;
  so.obs_dim = env.obs_dim();
  so.action_dim = env.action_dim();
  so.max_episode_steps = env.max_episode_steps();
  so.capacity_episodes = o.feedback.store_episodes;
  so.segment_length = o.feedback.segment_length;
  so.num_envs = env.num_envs();
  so.absorbing_padding = o.feedback.absorbing_padding;
  const int64_t pool = feedback::MakeQuerySelector(o.feedback.selector)
                           ->PoolSize(std::max<int64_t>(o.feedback.budget, 1));
  so.segment_capacity = 2 * o.feedback.budget + 2 * std::max(pool, o.heldout_pairs) + 16;
  return so;
}

PreferenceRoundOptions PbrlRoundOptions(const PbrlFeedbackConfig& f) {
  PreferenceRoundOptions po;
  po.budget = f.budget;
  po.batch = f.batch;
  po.schedule = f.schedule;
  po.selector = f.selector;
  return po;
}

}  // namespace

PbrlTrainer::PbrlTrainer(std::unique_ptr<PbrlAgent> agent, const PbrlTrainerOptions& options)
    : agent_(std::move(agent)),
      options_(options),
      store_(PbrlStoreOptions(*agent_->env(), options_)),
      observed_(
          agent_->env(),
          [this](std::span<const float> obs, std::span<const float> actions,
                 const envs::StepBuffers& step) { store_.AddVectorStep(obs, actions, step); }),
      ensemble_(options_.reward_model.ModelOptions(agent_->env()->obs_dim(),
                                                   agent_->env()->action_dim())),
      reward_trainer_(ensemble_, options_.reward_model.TrainerOptions(),
                      options_.reward_trainer_seed),
      learned_(std::make_shared<reward::LearnedReward>(ensemble_)),
      // The reward the agent trains on: the learned one, or zero while the agent pre-trains
      // on a reward of its own.
      training_reward_(std::make_shared<reward::LambdaReward>(
          [this](const torch::Tensor& o, const torch::Tensor& a,
                 const torch::Tensor& n) -> torch::Tensor {
            if (agent_->pretraining()) return torch::zeros({o.size(0)}, torch::kDouble);
            const TimeSplit::Measure measure(timing_, "reward_inference");
            return (*learned_)(o, a, n);
          },
          learned_->Describe())),
      rounds_(PbrlRoundOptions(options_.feedback), options_.teacher, store_,
              agent_->env()->max_episode_steps(), options_.people_run),
      query_rng_(options_.query_seed),
      next_round_(agent_->first_round()) {
  WarnIfAsksNoLabels();
  observed_.set_timing(&timing_);
  agent_->set_timing(&timing_);
}

void PbrlTrainer::WarnIfAsksNoLabels() const {
  // An agent without feedback rounds (SPO asks its own teacher) has none to miss.
  if (next_round_ == std::numeric_limits<int64_t>::max()) return;
  if (options_.feedback.budget == 0) {
    config::Warn("feedback.budget is 0: the run asks for no labels, so the reward it trains on "
                 "learns nothing; give a budget (for example feedback.budget=200)");
  } else if (next_round_ >= options_.total_steps) {
    config::Warn(fmt::format(
        "the first feedback round would come at step {}, not before the run's end at {}: the "
        "run asks for no labels; lower feedback.start (pebble: pebble.pretrain_steps) or raise "
        "steps",
        next_round_, options_.total_steps));
  }
}

std::unique_ptr<CheckpointState> PbrlTrainer::State() {
  auto state = std::make_unique<CheckpointState>();
  agent_->agent().AddTo(*state);
  store_.AddTo(*state, "store");
  reward_trainer_.AddTo(*state, "reward");
  state->AddRng("queries", &query_rng_);
  return state;
}

nlohmann::json PbrlTrainer::Counters() const {
  return {{"step", step_},
          {"reward_updates", reward_updates_},
          {"next_round", next_round_},
          {"critics_reset", agent_->critics_reset()},
          {"reward_offset", learned_->offset()},
          {"feedback", rounds_.ToJson()}};
}

void PbrlTrainer::Restore(const nlohmann::json& c) {
  step_ = c["step"];
  reward_updates_ = c["reward_updates"];
  next_round_ = c["next_round"];
  // A fresh agent's critic optimisers hold a reset's restored state as well as any.
  agent_->set_critics_reset(c["critics_reset"]);
  learned_->set_offset(c["reward_offset"]);
  rounds_.FromJson(c["feedback"]);
}

void PbrlTrainer::Begin(uint64_t seed) {
  store_.AbandonOpenEpisodes();
  agent_->agent().Begin(observed_, seed);
}

PbrlIteration PbrlTrainer::Iterate() {
  PbrlIteration out;
  // The agent's own work is the iteration less the environment and reward calls in it.
  const auto inside = [&] { return timing_.Total({"env_steps", "observer", "reward_inference"}); };
  const double inside_before = inside();
  const auto iteration_start = TimeSplit::Clock::now();
  out.agent = agent_->agent().Iterate(observed_, training_reward_);
  const std::chrono::duration<double> iteration = TimeSplit::Clock::now() - iteration_start;
  timing_.Add("agent_updates", iteration.count() - (inside() - inside_before));
  const int64_t before = step_;
  step_ += out.agent.env_steps;
  agent_->AfterIteration(before, step_);

  // No round once the agent is done: its labels could no longer change the policy (and an
  // iteration may step past the run's steps, beyond the query schedule's range).
  if (step_ < next_round_ || step_ >= options_.total_steps || store_.stored_episodes() == 0) {
    return out;
  }
  next_round_ = std::max(next_round_ + options_.feedback.every, step_);
  if (rounds_.budget_left()) {
    const bool with_model = agent_->learns_reward_model();
    int64_t asked = 0;
    {
      const TimeSplit::Measure querying(timing_, "queries");
      asked = rounds_.Ask(step_, options_.total_steps, with_model ? &ensemble_ : nullptr,
                          /*uniform=*/reward_updates_ == 0, out.queries, query_rng_);
    }
    if (asked > 0) {
      const int64_t updates_before = reward_updates_;
      out.feedback_metrics = with_model ? UpdateReward() : UpdatePolicy();
      out.reward_updated = reward_updates_ > updates_before;
    }
  }
  out.state_replaced = agent_->AfterRound();
  return out;
}

// Trains the ensemble on every label so far, refits the normalisation on the stored
// transitions, and shifts the learned reward so that absorbing steps are worth 0.
MetricList PbrlTrainer::UpdateReward() {
  const reward::PreferencePairs pairs = rounds_.Pairs();
  MetricList m = {{"labels_asked", static_cast<double>(rounds_.counts().asked)},
                  {"labels_answered", static_cast<double>(rounds_.counts().answered)}};
  if (pairs.size() == 0) return m;
  std::optional<TimeSplit::Measure> learning(std::in_place, timing_, "reward_learning");
  const reward::RewardTrainReport report = reward_trainer_.Train(pairs);
  const data::StoredTransitions t = store_.Transitions();
  ensemble_->FitNormalization(t.obs, t.actions, t.next_obs);
  double offset = 0.0;
  if (options_.reward_model.absorbing_zero && t.absorbing.any().item<bool>()) {
    learned_->set_offset(0.0);
    const torch::Tensor rows = t.absorbing.nonzero().squeeze(1);
    offset = (*learned_)(t.obs.index_select(0, rows), t.actions.index_select(0, rows),
                         t.next_obs.index_select(0, rows))
                 .mean()
                 .item<double>();
  }
  learned_->set_offset(offset);
  learning.reset();
  ++reward_updates_;
  m.insert(m.end(), {{"rm/train_accuracy", report.train_accuracy},
                     {"rm/loss", report.loss},
                     {"rm/epochs", static_cast<double>(report.epochs)},
                     {"rm/updates", static_cast<double>(reward_updates_)},
                     {"rm/offset", offset}});
  agent_->AfterRewardUpdate([this](const torch::Tensor& o, const torch::Tensor& a,
                                   const torch::Tensor& n) { return (*learned_)(o, a, n); });
  return m;
}

// An agent without a reward model learns from every label so far itself.
MetricList PbrlTrainer::UpdatePolicy() {
  MetricList m = {{"labels_asked", static_cast<double>(rounds_.counts().asked)},
                  {"labels_answered", static_cast<double>(rounds_.counts().answered)}};
  const TimeSplit::Measure learning(timing_, "reward_learning");
  const MetricList trained = agent_->LearnFromPreferences(rounds_.Pairs());
  m.insert(m.end(), trained.begin(), trained.end());
  return m;
}

}  // namespace rlab::rl
