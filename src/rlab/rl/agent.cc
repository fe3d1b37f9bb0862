#include "rlab/rl/agent.h"

namespace rlab::rl {

void EpisodeTracker::Record(const envs::StepBuffers& step, std::span<const float> trained_rewards,
                            std::vector<EpisodeRecord>& out) {
  for (int64_t i = 0; i < step.num_envs; ++i) {
    trained_[i] += trained_rewards[i];
    if (step.done[i]) {
      out.push_back({step.episode_returns[i], trained_[i], step.episode_lengths[i]});
      trained_[i] = 0.0;
    }
  }
}

}  // namespace rlab::rl
