#include "rlab/rl/agent.h"

#include "rlab/core/check.h"

namespace rlab::rl {

void Agent::RelabelReplay(const RelabelFn&) {
  RLAB_CHECK(false, "this agent keeps no replay buffer to relabel; relabelling needs an "
                    "off-policy agent (algo pebble uses SAC)");
}

void Agent::ResetCritics() {
  RLAB_CHECK(false, "this agent has no critics to reset; critic reset needs an off-policy "
                    "agent (algo pebble uses SAC)");
}

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
