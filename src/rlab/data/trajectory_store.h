// The trajectory store of preference-based RL: finished episodes of observations, actions and
// true rewards, from which segments of H steps are cut at random offsets and handed to a
// teacher (their true rewards) and to a reward model (their observations and actions).
//
// The sampling follows B-Pref's reward model (Lee et al., "B-Pref: Benchmarking
// Preference-Based Reinforcement Learning", arXiv:2111.03026; and PEBBLE, Lee et al.,
// "PEBBLE: Feedback-Efficient Interactive Reinforcement Learning via Relabeling Experience and
// Unsupervised Pre-training", arXiv:2106.05091): pick a stored episode uniformly, then a start
// offset uniformly among those that leave H steps. Where B-Pref draws the offset from
// [0, L - H) we draw it from [0, L - H], every offset that fits.
//
// True rewards are for teachers and evaluation only: the learner's view (Segments()) holds
// no rewards.
//
// Segments are copied out of their episode when they are cut, so a segment outlives the
// episode it came from. Every segment gets an id from a counter that only grows (the first
// segment is 0), so feedback files can refer to segments by id. Segments that were labelled
// are pinned and kept; unpinned ones are evicted oldest first when the segment table is full.
//
// All contents live in fixed-size tensors registered with a CheckpointState (AddTo), so a
// run resumes with the same episodes, segments, ids and recent returns. Episodes still in
// progress are not saved: a resumed run starts them afresh, as the environments do.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace rlab {
class CheckpointState;
class Rng;
}  // namespace rlab

namespace rlab::data {

struct TrajectoryStoreOptions {
  int64_t obs_dim = 0;
  int64_t action_dim = 0;            // 1 for a discrete action (the index as a float)
  int64_t max_episode_steps = 0;     // T: the longest episode the store accepts
  int64_t capacity_episodes = 100;   // E: finished episodes kept; the oldest is dropped first
  int64_t segment_length = 50;       // H
  int64_t segment_capacity = 10000;  // S: segments kept (pinned ones are never evicted)
  int64_t num_envs = 1;              // N: parallel episodes fed by AddStep
  // Extends every terminated episode by H - 1 absorbing steps (the terminal observation
  // repeated as obs and next_obs, actions 0, true reward 0), so that segments can show how an
  // episode ended: in an environment whose reward is the same at every step until it
  // terminates (CartPole-v1's +1), segments cut only from inside episodes would all have the
  // same return and carry no preference. B-Pref's environments never terminate; the
  // imitation library's seals environments fix the horizon for the same reason. Padding adds
  // zero reward, so episode returns are unchanged; episodes shorter than H become cuttable.
  bool absorbing_padding = false;
  void Validate() const;
  // Steps a slot holds: T, plus H - 1 with absorbing padding.
  int64_t slot_steps() const {
    return max_episode_steps + (absorbing_padding ? segment_length - 1 : 0);
  }
};

// The learner's view of N segments.
struct SegmentTensors {
  torch::Tensor obs;        // [N, H, obs_dim] float
  torch::Tensor actions;    // [N, H, action_dim] float
  torch::Tensor next_obs;   // [N, H, obs_dim] float
  torch::Tensor absorbing;  // [N, H] bool: a step added by absorbing_padding, not behaviour
};

// Every step of the stored finished episodes, oldest episode first.
struct StoredTransitions {
  torch::Tensor obs;           // [M, obs_dim] float
  torch::Tensor actions;       // [M, action_dim] float
  torch::Tensor next_obs;      // [M, obs_dim] float
  torch::Tensor true_rewards;  // [M] double: for evaluation only
  torch::Tensor absorbing;     // [M] bool: an absorbing step added by absorbing_padding
};

struct SegmentInfo {
  int64_t id = -1;
  int64_t episode_id = -1;  // the episode it was cut from (episode ids count from 0)
  int64_t start = 0;        // offset of its first step in that episode
  bool pinned = false;
};

class TrajectoryStore {
 public:
  explicit TrajectoryStore(const TrajectoryStoreOptions& options);

  // One step of a vector environment. `obs` is the observation each environment acted on
  // ([N, D]; copy StepBuffers::observations before stepping, as Step overwrites it),
  // `actions` [N, A], then the step's rewards [N], next_observations [N, D], terminated and
  // truncated [N]. An environment whose episode ended starts a new one on its next step.
  void AddStep(std::span<const float> obs, std::span<const float> actions,
               std::span<const float> rewards, std::span<const float> next_obs,
               std::span<const uint8_t> terminated, std::span<const uint8_t> truncated);
  // The same from an envs::StepBuffers (or anything with those fields).
  template <class StepBuffersT>
  void AddVectorStep(std::span<const float> obs, std::span<const float> actions,
                     const StepBuffersT& step) {
    AddStep(obs, actions, step.rewards, step.next_observations, step.terminated, step.truncated);
  }

  // A whole finished episode of L steps: obs [L, D], actions [L, A], true rewards [L],
  // next_obs [L, D]. Returns its episode id.
  int64_t AddEpisode(std::span<const float> obs, std::span<const float> actions,
                     std::span<const double> rewards, std::span<const float> next_obs,
                     bool terminated);

  // Cuts `count` segments of H steps from random stored episodes with at least H steps.
  // Returns their ids, in the order cut.
  std::vector<int64_t> CutSegments(int64_t count, Rng& rng);

  bool HasSegment(int64_t id) const;
  SegmentInfo Info(int64_t id) const;
  // The learner's tensors of the given segments, in order.
  SegmentTensors Segments(std::span<const int64_t> ids) const;
  // The true reward of each step of a segment, oldest first ([H]): what a SegmentQuery
  // holds. Valid until the segment is evicted.
  std::span<const double> TrueRewards(int64_t id) const;
  // Labelled segments are pinned so that the reward model can be retrained on them.
  void Pin(std::span<const int64_t> ids);
  // Frees every unpinned segment (the candidates of a query round that were not asked).
  void DropUnpinned();

  // Mean true return of the last 10 finished episodes (fewer before 10 have finished; 0
  // before any has): the TeacherContext's mean_episode_return, as in B-Pref.
  double MeanRecentReturn() const;
  static constexpr int64_t kRecentEpisodes = 10;

  StoredTransitions Transitions() const;

  int64_t stored_episodes() const;
  int64_t finished_episodes() const;  // all ever finished, including dropped ones
  int64_t stored_segments() const;
  int64_t next_segment_id() const;
  const TrajectoryStoreOptions& options() const { return options_; }

  // Registers every tensor; call once before CheckpointState::Load/Save.
  void AddTo(CheckpointState& state, const std::string& name);
  // Forgets the episodes in progress (after restoring a checkpoint into a store that had
  // collected steps since).
  void AbandonOpenEpisodes();

 private:
  struct OpenEpisode {
    std::vector<float> obs, actions, next_obs;
    std::vector<double> rewards;
  };
  void Finish(OpenEpisode& episode, bool terminated);
  int64_t SlotOf(int64_t id) const;  // -1 when unknown
  int64_t FreeSegmentSlot();

  TrajectoryStoreOptions options_;
  // Finished episodes, a ring of E slots of up to T steps each.
  torch::Tensor ep_obs_, ep_actions_, ep_next_obs_;  // [E, T, D], [E, T, A], [E, T, D] float
  torch::Tensor ep_rewards_;                         // [E, T] double
  torch::Tensor ep_meta_;     // [E, 3] int64: episode id (-1 = empty), length, terminated
  torch::Tensor ep_padding_;  // [E] int64: absorbing steps at the end of the stored length
  // Segments, S slots of H steps.
  torch::Tensor seg_obs_, seg_actions_, seg_next_obs_;  // [S, H, D], [S, H, A], [S, H, D]
  torch::Tensor seg_rewards_;                           // [S, H] double
  torch::Tensor seg_meta_;  // [S, 4] int64: segment id (-1 = empty), episode id, start, pinned
  torch::Tensor seg_real_;  // [S] int64: steps before the absorbing padding (H when none)
  torch::Tensor recent_returns_;   // [10] double, a ring
  torch::Tensor counters_;         // [4] int64: next episode id, next segment id, ring cursor,
                                   // finished episodes
  std::vector<OpenEpisode> open_;  // [N], not checkpointed
  mutable std::unordered_map<int64_t, int64_t> slot_of_;  // segment id -> slot, rebuilt on miss
};

}  // namespace rlab::data
