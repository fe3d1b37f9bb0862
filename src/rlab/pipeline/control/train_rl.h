// train-rl: reinforcement learning on a control environment with PPO or SAC, against the
// environment's reward or any reward spec (a shaped, scaled or learned reward). The true
// return of every episode is logged whatever the agent trains on.
//
//   rlab train-rl --env CartPole-v1 --algo ppo --steps 500000 --seed 1
//   rlab run examples/ppo_cartpole.yaml
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "rlab/envs/vector_env.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"
#include "rlab/rl/agent.h"
#include "rlab/rl/ppo.h"
#include "rlab/rl/sac.h"

namespace rlab::pipeline {

struct TrainRlConfig {
  std::string env = "CartPole-v1";
  std::string algo = "ppo";
  int64_t steps = 500000;
  std::string reward = "true";
  rl::PpoConfig ppo;
  rl::SacConfig sac;
  RunOptions run;

  template <class V>
  void Fields(V& v) {
    v("env", env, "environment spec, e.g. CartPole-v1 or Pendulum-v1(max_episode_steps=100)");
    v("algo", algo, "ppo or sac");
    v("steps", steps, "environment steps to train for (summed over parallel environments)");
    v("reward", reward, "reward to train on: true, or a reward spec (see `rlab distance --help`)");
    v("ppo", ppo, "PPO settings (CleanRL's defaults)");
    v("sac", sac, "SAC settings (CleanRL's defaults)");
    v("run", run,
      "run directory, seed, threads, cadence (log_every and checkpoint_every in steps)");
  }
  void Validate() const;
};

// An environment and an agent built from a train-rl config.
struct RlSetup {
  std::shared_ptr<envs::VectorEnv> env;
  std::unique_ptr<rl::Agent> agent;
  rl::TrainingReward reward;
};
RlSetup BuildRl(const TrainRlConfig& config, uint64_t run_seed);

PipelineRegistry::Entry TrainRlEntry();

}  // namespace rlab::pipeline
