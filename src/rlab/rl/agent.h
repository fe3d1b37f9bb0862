// What the train-rl pipeline drives: an agent that improves itself by interacting with a
// vector environment, iteration by iteration (PPO: one rollout and its update; SAC: one
// environment step and its gradient updates), and that can act for evaluation.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "rlab/core/metrics.h"
#include "rlab/envs/vector_env.h"
#include "rlab/rl/training_reward.h"

namespace rlab {
class CheckpointState;
class Rng;
}  // namespace rlab

namespace rlab::rl {

struct EpisodeRecord {
  double true_return = 0;     // undiscounted return under the environment's reward
  double trained_return = 0;  // under the reward the agent trains on
  int64_t length = 0;
};

struct IterationReport {
  int64_t env_steps = 0;                // environment steps taken (summed over the vector)
  std::vector<EpisodeRecord> episodes;  // episodes that ended during the iteration
  MetricList update_metrics;            // losses and diagnostics of the update, if any
};

class Agent {
 public:
  virtual ~Agent() = default;
  // The agent's networks, optimisers, normalisers, buffers and generators.
  virtual void AddTo(CheckpointState& state) = 0;
  // Starts (or, after a resume, restarts) the episodes in `env` from `seed`.
  virtual void Begin(envs::VectorEnv& env, uint64_t seed) = 0;
  virtual IterationReport Iterate(envs::VectorEnv& env, const TrainingReward& reward) = 0;
  // Actions for raw observations [N, D]: [N] indices (as floats) for a discrete action
  // space, [N, A] otherwise. Deterministic: the most likely (or mean) action.
  virtual void Act(std::span<const float> obs, int64_t n, bool deterministic, Rng& rng,
                   std::vector<float>& actions) = 0;

  // PEBBLE's two operations on an off-policy agent (Lee, Smith, Abbeel, "PEBBLE",
  // arXiv:2106.05091): replace the reward of every transition in the replay buffer
  // (fn(obs [M, D], actions [M, A], next_obs [M, D]) -> [M]), and re-initialise the critics,
  // their targets and their optimiser state after unsupervised pre-training. Agents without
  // a replay buffer (PPO) reject both. ResetCritics replaces optimiser state: register the
  // agent with a fresh CheckpointState (AddTo) after it.
  using RelabelFn = std::function<torch::Tensor(
      const torch::Tensor& obs, const torch::Tensor& actions, const torch::Tensor& next_obs)>;
  virtual void RelabelReplay(const RelabelFn& fn);
  virtual void ResetCritics();
};

// Collects per-environment running returns under the trained reward, for episode records.
class EpisodeTracker {
 public:
  explicit EpisodeTracker(int64_t envs) : trained_(envs, 0.0) {}
  // After a step: adds the trained rewards [N] and records the episodes that ended.
  void Record(const envs::StepBuffers& step, std::span<const float> trained_rewards,
              std::vector<EpisodeRecord>& out);
  void Reset() { std::fill(trained_.begin(), trained_.end(), 0.0); }

 private:
  std::vector<double> trained_;
};

}  // namespace rlab::rl
