// Evaluating a trained control policy: rebuilds the agent of a train-rl run from its saved
// config, loads its latest checkpoint, and plays whole episodes on a fresh environment.
//
//   rlab eval-policy RUN_DIR --episodes 100
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

namespace rlab {
class Rng;
}
namespace rlab::rl {
class Agent;
}

namespace rlab::pipeline {

struct PolicyEvalOptions {
  int64_t episodes = 100;
  uint64_t seed = 12345;      // of the evaluation environment and any sampled actions
  bool deterministic = true;  // the most likely (or mean) action instead of a sample
};

// A policy for evaluation: actions for raw observations [N, D], as rl::Agent::Act writes them.
using PolicyFn =
    std::function<void(std::span<const float> obs, int64_t n, std::vector<float>& actions)>;
PolicyFn AgentPolicy(rl::Agent& agent, bool deterministic, Rng& rng);
// Uniformly random actions in the environment's action space (the random baseline).
PolicyFn UniformRandomPolicy(std::string_view env_spec, Rng& rng);

struct EpisodeStats {
  std::vector<double> returns;  // true (environment) return of each episode, in order
  double mean_length = 0;
  double mean() const;
  double std() const;  // population standard deviation
};

// Plays `episodes` whole episodes of a fresh single environment `env_spec` seeded with `seed`.
EpisodeStats PlayEpisodes(std::string_view env_spec, int64_t episodes, uint64_t seed,
                          const PolicyFn& policy);

// Returns {"episodes", "mean_return", "std_return", "min_return", "max_return",
// "mean_length", "checkpoint_step", ...} and writes it to RUN_DIR/eval.json.
nlohmann::json EvaluatePolicy(const std::filesystem::path& run_dir,
                              const PolicyEvalOptions& options);

}  // namespace rlab::pipeline
