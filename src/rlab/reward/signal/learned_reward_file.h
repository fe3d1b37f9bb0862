// A learned reward written out at the end of a run, so that other commands can use it as a
// reward: `rlab distance --reward-b RUN_DIR` compares it with the true reward.
//   <run>/reward_model/reward_model.json  ensemble options, offset, environment
//   <run>/reward_model/reward_model.pt    the ensemble's parameters and normalisation
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "rlab/reward/signal/learned_reward.h"

namespace rlab::reward {

// Writes both files into `dir` (created), each atomically.
void SaveLearnedReward(const LearnedReward& reward, const std::string& env,
                       const std::filesystem::path& dir);

struct LoadedLearnedReward {
  std::shared_ptr<LearnedReward> reward;
  std::string env;  // the environment it was learned on
};
// `path` is a run directory or its reward_model/ directory.
LoadedLearnedReward LoadLearnedReward(const std::filesystem::path& path);
// Whether `path` holds a saved learned reward (either form above).
bool HoldsLearnedReward(const std::filesystem::path& path);

}  // namespace rlab::reward
