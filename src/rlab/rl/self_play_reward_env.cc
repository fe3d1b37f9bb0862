#include "rlab/rl/self_play_reward_env.h"

#include <algorithm>
#include <numeric>
#include <span>

#include "rlab/core/check.h"

namespace rlab::rl {

double TrajectoryWinRate(const std::vector<double>& trajectory,
                         const std::deque<std::vector<double>>& opponents,
                         const feedback::Teacher& teacher, const feedback::TeacherContext& context,
                         Rng& rng, feedback::LabelCounts& counts) {
  double wins = 0;
  int64_t answered = 0;
  std::vector<double> mine, theirs;
  for (size_t k = 0; k < opponents.size(); ++k) {
    const std::vector<double>& opponent = opponents[k];
    const size_t length = std::max(trajectory.size(), opponent.size());
    mine.assign(length, 0.0);
    theirs.assign(length, 0.0);
    std::copy(trajectory.begin(), trajectory.end(), mine.begin());
    std::copy(opponent.begin(), opponent.end(), theirs.begin());
    // The trajectory is shown first to even opponents and second to odd ones, so that a
    // teacher's side in a tie (B-Pref's rational teacher gives exact ties to the first) does
    // not count as the trajectory's win every time.
    const bool first = k % 2 == 0;
    const feedback::TeacherLabel label = first ? teacher.Label({mine, theirs}, context, rng)
                                               : teacher.Label({theirs, mine}, context, rng);
    counts.Add(label);
    if (!label.answered) continue;
    // kFirstPreferred is 0, kSecondPreferred 1, kEquallyPreferred 1/2.
    wins += first ? 1.0 - label.label : label.label;
    ++answered;
  }
  return answered > 0 ? wins / static_cast<double>(answered) : 0.5;
}

SelfPlayRewardEnv::SelfPlayRewardEnv(envs::VectorEnv& inner,
                                     std::shared_ptr<const feedback::Teacher> teacher,
                                     int64_t queue_size, Rng& rng)
    : VectorEnv(inner.name(), inner.num_envs(), inner.observation_space(), inner.action_space(),
                inner.max_episode_steps()),
      inner_(inner),
      teacher_(std::move(teacher)),
      queue_size_(queue_size),
      rng_(rng),
      running_(inner.num_envs()) {
  RLAB_CHECK(queue_size >= 1, "spo: queue must be >= 1 trajectory, got {}", queue_size);
  RLAB_CHECK(teacher_ != nullptr, "spo: a teacher is needed to compare trajectories");
}

std::vector<double> SelfPlayRewardEnv::TakeWinRates() { return std::exchange(win_rates_, {}); }

void SelfPlayRewardEnv::DoReset(bool reseed, uint64_t seed) {
  buffers_ = reseed ? inner_.Reset(seed) : inner_.Reset();
  for (auto& episode : running_) episode.clear();
  std::fill(buffers_.rewards.begin(), buffers_.rewards.end(), 0.0f);
}

void SelfPlayRewardEnv::DoStep(const int64_t* discrete, const float* box) {
  const int64_t n = num_envs();
  buffers_ = discrete ? inner_.Step(std::span<const int64_t>(discrete, n))
                      : inner_.Step(std::span<const float>(box, n * action_dim()));
  PayWinRates();
}

// Records the true rewards; an episode that ended is paid its win rate against the queue and
// then joins it (the oldest leaves).
void SelfPlayRewardEnv::PayWinRates() {
  for (int64_t i = 0; i < num_envs(); ++i) {
    running_[i].push_back(buffers_.rewards[i]);
    buffers_.rewards[i] = 0.0f;
    if (!buffers_.done[i]) continue;
    recent_returns_.push_back(buffers_.episode_returns[i]);
    if (recent_returns_.size() > 10) recent_returns_.pop_front();
    const feedback::TeacherContext context{
        std::accumulate(recent_returns_.begin(), recent_returns_.end(), 0.0) /
            static_cast<double>(recent_returns_.size()),
        max_episode_steps()};
    const double win_rate =
        TrajectoryWinRate(running_[i], queue_, *teacher_, context, rng_, counts_);
    buffers_.rewards[i] = static_cast<float>(win_rate);
    win_rates_.push_back(win_rate);
    queue_.push_back(std::exchange(running_[i], {}));
    if (static_cast<int64_t>(queue_.size()) > queue_size_) queue_.pop_front();
  }
}

void SelfPlayRewardEnv::DoReward(const float* obs, const float* actions, const float* next_obs,
                                 float* rewards, int64_t count) const {
  const int64_t d = obs_dim(), a = action_dim();
  inner_.Reward(std::span<const float>(obs, count * d), std::span<const float>(actions, count * a),
                std::span<const float>(next_obs, count * d), std::span<float>(rewards, count));
}

}  // namespace rlab::rl
