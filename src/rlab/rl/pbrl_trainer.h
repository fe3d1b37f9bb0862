// The loop of preference-based RL for control, as an object that does no file I/O:
//
//   behaviour -> trajectory store -> (feedback schedule) candidate pairs -> selector ->
//   teacher -> labelled pairs -> reward ensemble -> learned reward -> agent -> behaviour
//
// Each Iterate() runs one iteration of the agent (rl/pbrl_agents.h) on the environment, whose
// every step the trajectory store records; when a feedback round is due it asks the round's
// queries (rl/preference_rounds.h) and then either trains the reward ensemble on every label
// so far (refitting its normalisation on the stored transitions and, with absorbing_zero,
// shifting the learned reward so that absorbing steps are worth 0) or, for an agent without a
// reward model, trains the agent's policy on the labels. The agent's hooks run at their
// points of the loop. The caller writes the returned queries to feedback.jsonl, logs the
// returned metrics, and checkpoints State() with Counters().
//
// Round structure and reward learning: Lee et al., "PEBBLE", arXiv:2106.05091; B-Pref, Lee et
// al., arXiv:2111.03026; Christiano et al., "Deep Reinforcement Learning from Human
// Preferences", arXiv:1706.03741.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rlab/core/metrics.h"
#include "rlab/core/rng.h"
#include "rlab/core/time_split.h"
#include "rlab/data/trajectory_store.h"
#include "rlab/envs/observed_env.h"
#include "rlab/feedback/feedback_file.h"
#include "rlab/reward/model/ensemble_reward_config.h"
#include "rlab/reward/model/ensemble_reward_trainer.h"
#include "rlab/reward/signal/learned_reward.h"
#include "rlab/rl/pbrl_agents.h"
#include "rlab/rl/pbrl_feedback_config.h"
#include "rlab/rl/preference_rounds.h"

namespace rlab {
class CheckpointState;
}

namespace rlab::rl {

struct PbrlTrainerOptions {
  int64_t total_steps = 0;
  std::string teacher = "oracle";  // teacher spec, file(path=...) or people(db=...)
  feedback::PeopleRun people_run;  // which run asks people (feedback/people_teacher.h)
  PbrlFeedbackConfig feedback;
  reward::EnsembleRewardConfig reward_model;
  int64_t heldout_pairs = 0;  // fresh pairs an evaluation will cut from the store
  uint64_t reward_trainer_seed = 0;
  uint64_t query_seed = 0;
};

struct PbrlIteration {
  IterationReport agent;                          // steps, finished episodes, update metrics
  std::vector<feedback::FeedbackRecord> queries;  // asked in this iteration's round, in order
  std::optional<MetricList> feedback_metrics;     // labels and learning of a round that asked
  bool reward_updated = false;                    // the learned reward changed
  bool state_replaced = false;                    // State() must be taken again
};

class PbrlTrainer {
 public:
  PbrlTrainer(std::unique_ptr<PbrlAgent> agent, const PbrlTrainerOptions& options);
  PbrlTrainer(const PbrlTrainer&) = delete;
  PbrlTrainer& operator=(const PbrlTrainer&) = delete;

  // The agent, the store, the reward ensemble's trainer and the query generator.
  std::unique_ptr<CheckpointState> State();
  // step, reward_updates, next_round, critics_reset, reward_offset and feedback.
  nlohmann::json Counters() const;
  void Restore(const nlohmann::json& counters);
  // Starts fresh episodes from `seed` (open episodes in the store are abandoned).
  void Begin(uint64_t seed);
  PbrlIteration Iterate();

  int64_t step() const { return step_; }
  int64_t reward_updates() const { return reward_updates_; }
  PbrlAgent& agent() { return *agent_; }
  const envs::VectorEnv& env() const { return *agent_->env(); }
  data::TrajectoryStore& store() { return store_; }
  reward::RewardEnsemble& ensemble() { return ensemble_; }
  const reward::LearnedReward& learned_reward() const { return *learned_; }
  const PreferenceRounds& rounds() const { return rounds_; }
  // Where the run's time goes: env_steps, observer, agent_updates, reward_inference, queries,
  // reward_learning, and the agent's own sections; callers add theirs.
  TimeSplit& timing() { return timing_; }

 private:
  // Warns (config::Warn) when the settings leave the run no feedback round to ask labels in.
  void WarnIfAsksNoLabels() const;
  MetricList UpdateReward();
  MetricList UpdatePolicy();

  std::unique_ptr<PbrlAgent> agent_;
  PbrlTrainerOptions options_;
  TimeSplit timing_;
  data::TrajectoryStore store_;
  envs::ObservedEnv observed_;
  reward::RewardEnsemble ensemble_;
  reward::RewardEnsembleTrainer reward_trainer_;
  std::shared_ptr<reward::LearnedReward> learned_;
  TrainingReward training_reward_;
  PreferenceRounds rounds_;
  Rng query_rng_;
  int64_t step_ = 0, reward_updates_ = 0, next_round_ = 0;
};

}  // namespace rlab::rl
