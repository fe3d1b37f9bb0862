#include "rlab/rl/tabular/sqirl.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

// Means per (t, s, a) over a window of steps [first, first + size): the tabular regression.
class WindowMeans {
 public:
  WindowMeans(const EpisodicMdp& mdp, int64_t first, int64_t size)
      : mdp_(&mdp),
        first_(first),
        size_(size),
        sums_(size * mdp.num_states * mdp.num_actions, 0.0),
        counts_(sums_.size(), 0) {}

  bool Covers(int64_t t) const { return t >= first_ && t < first_ + size_; }
  void Add(int64_t t, int64_t s, int64_t a, double target) {
    sums_[Slot(t, s, a)] += target;
    ++counts_[Slot(t, s, a)];
  }
  bool Seen(int64_t t, int64_t s, int64_t a) const { return counts_[Slot(t, s, a)] > 0; }
  double Mean(int64_t t, int64_t s, int64_t a) const {
    return sums_[Slot(t, s, a)] / static_cast<double>(counts_[Slot(t, s, a)]);
  }
  // argmax over the tried actions of (t, s), or -1 when none was tried.
  int64_t BestAction(int64_t t, int64_t s) const {
    int64_t best = -1;
    for (int64_t a = 0; a < mdp_->num_actions; ++a) {
      if (Seen(t, s, a) && (best < 0 || Mean(t, s, a) > Mean(t, s, best))) best = a;
    }
    return best;
  }
  // max_a Q(t, s, a) over the tried actions; 0 past the window's data (an episode that ended).
  double BestValue(int64_t t, int64_t s) const {
    const int64_t a = BestAction(t, s);
    return a < 0 ? 0.0 : Mean(t, s, a);
  }

 private:
  int64_t Slot(int64_t t, int64_t s, int64_t a) const {
    return ((t - first_) * mdp_->num_states + s) * mdp_->num_actions + a;
  }
  const EpisodicMdp* mdp_;
  int64_t first_;
  int64_t size_;
  std::vector<double> sums_;
  std::vector<int64_t> counts_;
};

}  // namespace

SqirlResult RunSqirl(const EpisodicMdp& mdp, const SqirlOptions& options, std::mt19937_64& rng) {
  RLAB_CHECK(options.k >= 1, "SQIRL: k must be >= 1, got {}", options.k);
  RLAB_CHECK(options.episodes_per_step >= 1, "SQIRL: episodes_per_step must be >= 1, got {}",
             options.episodes_per_step);
  const int64_t S = mdp.num_states, A = mdp.num_actions;
  SqirlResult result;
  result.policy = UniformStepPolicy(mdp);
  std::vector<int64_t> learned(mdp.horizon * S, -1);  // action per (t, s), -1: random

  for (int64_t i = 0; i < mdp.horizon; ++i) {
    // Exploration policy: the learned policy before step i, uniform from step i on.
    const StepActor explore = [&](int64_t t, int64_t s, std::mt19937_64& g) -> int64_t {
      if (t < i && learned[t * S + s] >= 0) return learned[t * S + s];
      return static_cast<int64_t>(Uniform01(g) * static_cast<double>(A));
    };
    std::vector<Episode> episodes;
    episodes.reserve(options.episodes_per_step);
    for (int64_t e = 0; e < options.episodes_per_step; ++e) {
      episodes.push_back(SampleEpisode(mdp, explore, rng));
      result.env_steps += static_cast<int64_t>(episodes.back().size());
    }
    result.episodes += options.episodes_per_step;

    // Q^1 on steps [i, i + k): the observed returns to go of the random actions.
    const int64_t window = std::min(options.k, mdp.horizon - i);
    WindowMeans q(mdp, i, window);
    for (const Episode& episode : episodes) {
      double to_go = 0.0;
      for (auto step = episode.rbegin(); step != episode.rend(); ++step) {
        to_go += step->reward;
        if (q.Covers(step->t)) q.Add(step->t, step->state, step->action, to_go);
      }
    }
    // Fitted Q iteration: Q^{j+1} on [i, i + k - j) from Q^j one step later.
    for (int64_t j = 1; j < window; ++j) {
      WindowMeans next_q(mdp, i, window - j);
      for (const Episode& episode : episodes) {
        for (size_t n = 0; n < episode.size(); ++n) {
          const EpisodeStep& step = episode[n];
          if (!next_q.Covers(step.t)) continue;
          // The episode's next step starts in next_state at t + 1 unless it ended there.
          const double next_value =
              n + 1 < episode.size() ? q.BestValue(step.t + 1, step.next_state) : 0.0;
          next_q.Add(step.t, step.state, step.action, step.reward + next_value);
        }
      }
      q = std::move(next_q);
    }
    // Imitation: the greedy action on Q^k_i for every state seen at step i.
    for (int64_t s = 0; s < S; ++s) {
      const int64_t best = q.BestAction(i, s);
      if (best < 0) continue;
      learned[i * S + s] = best;
      for (int64_t a = 0; a < A; ++a) result.policy[mdp.Index(i, s, a)] = a == best ? 1.0 : 0.0;
    }
  }
  return result;
}

}  // namespace rlab::rl::tabular
