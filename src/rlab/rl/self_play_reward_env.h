// SPO's reward for control (Swamy et al., "A Minimaximalist Approach to Reinforcement Learning
// from Human Feedback", arXiv:2401.04056): the reward of a trajectory is its share of wins
// against other trajectories of the current policy, judged by a preference teacher; no reward
// model is learned. The paper's practical form keeps a queue of the policy's most recent
// trajectories and compares each finished trajectory with them; its win rate is the
// trajectory's whole reward, paid at its last step (every other step pays 0), which a standard
// RL agent (PPO) then maximises.
//
// SelfPlayRewardEnv wraps the environment an agent steps: it passes observations, actions and
// episode ends through, keeps the true per-step rewards of each running episode for the teacher,
// and replaces the step rewards with the win-rate rewards. episode_returns keeps the true
// returns, so the agent's episode records still report them. Episodes of different lengths are
// compared as segments padded with zero reward to the longer one (an ended episode earns
// nothing more), and a skipped query counts as no comparison.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/envs/vector_env.h"
#include "rlab/feedback/segment_query.h"
#include "rlab/feedback/teacher.h"

namespace rlab::rl {

// The win rate of `trajectory` (its true per-step rewards) against each of `opponents`: the
// mean over answered queries of 1 (trajectory preferred), 1/2 (equal) or 0, both padded with
// zero reward to equal lengths, the trajectory shown first to even-numbered opponents and
// second to odd ones; 1/2 when no query is answered (nothing to tell it from). Each query is
// counted in `counts`.
double TrajectoryWinRate(const std::vector<double>& trajectory,
                         const std::deque<std::vector<double>>& opponents,
                         const feedback::Teacher& teacher, const feedback::TeacherContext& context,
                         Rng& rng, feedback::LabelCounts& counts);

class SelfPlayRewardEnv final : public envs::VectorEnv {
 public:
  // `inner` must outlive this wrapper. queue_size: recent trajectories each new one meets.
  SelfPlayRewardEnv(envs::VectorEnv& inner, std::shared_ptr<const feedback::Teacher> teacher,
                    int64_t queue_size, Rng& rng);

  envs::VectorEnv& inner() { return inner_; }
  const feedback::LabelCounts& counts() const { return counts_; }
  // Win rates of the episodes that ended since the last call, then forgets them.
  std::vector<double> TakeWinRates();

 protected:
  void DoReset(bool reseed, uint64_t seed) override;
  void DoStep(const int64_t* discrete, const float* box) override;
  void DoReward(const float* obs, const float* actions, const float* next_obs, float* rewards,
                int64_t count) const override;

 private:
  void PayWinRates();

  envs::VectorEnv& inner_;
  std::shared_ptr<const feedback::Teacher> teacher_;
  int64_t queue_size_;
  Rng& rng_;
  std::vector<std::vector<double>> running_;  // [N] true rewards of each running episode
  std::deque<std::vector<double>> queue_;     // the most recent finished trajectories
  std::deque<double> recent_returns_;         // the last 10 true returns (teacher context)
  std::vector<double> win_rates_;
  feedback::LabelCounts counts_;
};

}  // namespace rlab::rl
