#include "rlab/data/trajectory_store.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/core/rng.h"

namespace rlab::data {

namespace {

// Indices into counters_.
constexpr int kNextEpisodeId = 0;
constexpr int kNextSegmentId = 1;
constexpr int kCursor = 2;
constexpr int kFinished = 3;

// Columns of ep_meta_ and seg_meta_.
constexpr int kEpId = 0, kEpLength = 1, kEpTerminated = 2;
constexpr int kSegId = 0, kSegEpisode = 1, kSegStart = 2, kSegPinned = 3;

}  // namespace

void TrajectoryStoreOptions::Validate() const {
  RLAB_CHECK(obs_dim >= 1, "trajectory store: obs_dim must be >= 1, got {}", obs_dim);
  RLAB_CHECK(action_dim >= 1, "trajectory store: action_dim must be >= 1, got {}", action_dim);
  RLAB_CHECK(max_episode_steps >= 1, "trajectory store: max_episode_steps (T) must be >= 1, got {}",
             max_episode_steps);
  RLAB_CHECK(capacity_episodes >= 1, "trajectory store: capacity_episodes must be >= 1, got {}",
             capacity_episodes);
  RLAB_CHECK(segment_length >= 1 && segment_length <= max_episode_steps,
             "trajectory store: segment_length (H) must be in [1, max_episode_steps = {}], got {}",
             max_episode_steps, segment_length);
  RLAB_CHECK(segment_capacity >= 1, "trajectory store: segment_capacity must be >= 1, got {}",
             segment_capacity);
  RLAB_CHECK(num_envs >= 1, "trajectory store: num_envs must be >= 1, got {}", num_envs);
}

TrajectoryStore::TrajectoryStore(const TrajectoryStoreOptions& options) : options_(options) {
  options_.Validate();
  const int64_t e = options_.capacity_episodes, t = options_.slot_steps();
  const int64_t d = options_.obs_dim, a = options_.action_dim;
  const int64_t s = options_.segment_capacity, h = options_.segment_length;
  ep_obs_ = torch::zeros({e, t, d});
  ep_actions_ = torch::zeros({e, t, a});
  ep_next_obs_ = torch::zeros({e, t, d});
  ep_rewards_ = torch::zeros({e, t}, torch::kDouble);
  ep_meta_ = torch::full({e, 3}, -1, torch::kLong);
  ep_padding_ = torch::zeros({e}, torch::kLong);
  seg_obs_ = torch::zeros({s, h, d});
  seg_actions_ = torch::zeros({s, h, a});
  seg_next_obs_ = torch::zeros({s, h, d});
  seg_rewards_ = torch::zeros({s, h}, torch::kDouble);
  seg_meta_ = torch::full({s, 4}, -1, torch::kLong);
  seg_real_ = torch::full({s}, h, torch::kLong);
  recent_returns_ = torch::zeros({kRecentEpisodes}, torch::kDouble);
  counters_ = torch::zeros({4}, torch::kLong);
  open_.resize(options_.num_envs);
}

void TrajectoryStore::AddStep(std::span<const float> obs, std::span<const float> actions,
                              std::span<const float> rewards, std::span<const float> next_obs,
                              std::span<const uint8_t> terminated,
                              std::span<const uint8_t> truncated) {
  const size_t n = options_.num_envs, d = options_.obs_dim, a = options_.action_dim;
  RLAB_CHECK(obs.size() == n * d && next_obs.size() == n * d,
             "trajectory store: AddStep needs obs and next_obs of {} x {} floats (num_envs x "
             "obs_dim), got {} and {}",
             n, d, obs.size(), next_obs.size());
  RLAB_CHECK(actions.size() == n * a,
             "trajectory store: AddStep needs actions of {} x {} floats, got {}", n, a,
             actions.size());
  RLAB_CHECK(rewards.size() == n && terminated.size() == n && truncated.size() == n,
             "trajectory store: AddStep needs {} rewards and flags, got {}, {} and {}", n,
             rewards.size(), terminated.size(), truncated.size());
  for (size_t i = 0; i < n; ++i) {
    OpenEpisode& ep = open_[i];
    RLAB_CHECK(std::isfinite(rewards[i]),
               "trajectory store: environment {} returned a non-finite reward {}", i, rewards[i]);
    RLAB_CHECK(static_cast<int64_t>(ep.rewards.size()) < options_.max_episode_steps,
               "trajectory store: environment {} ran more than max_episode_steps = {} steps "
               "without ending its episode; raise max_episode_steps to the environment's time "
               "limit",
               i, options_.max_episode_steps);
    ep.obs.insert(ep.obs.end(), obs.begin() + i * d, obs.begin() + (i + 1) * d);
    ep.actions.insert(ep.actions.end(), actions.begin() + i * a, actions.begin() + (i + 1) * a);
    ep.next_obs.insert(ep.next_obs.end(), next_obs.begin() + i * d, next_obs.begin() + (i + 1) * d);
    ep.rewards.push_back(rewards[i]);
    if (terminated[i] || truncated[i]) Finish(ep, terminated[i] != 0);
  }
}

int64_t TrajectoryStore::AddEpisode(std::span<const float> obs, std::span<const float> actions,
                                    std::span<const double> rewards,
                                    std::span<const float> next_obs, bool terminated) {
  const size_t l = rewards.size(), d = options_.obs_dim, a = options_.action_dim;
  RLAB_CHECK(l >= 1 && static_cast<int64_t>(l) <= options_.max_episode_steps,
             "trajectory store: an episode must have 1 to max_episode_steps = {} steps, got {}",
             options_.max_episode_steps, l);
  RLAB_CHECK(obs.size() == l * d && next_obs.size() == l * d && actions.size() == l * a,
             "trajectory store: an episode of {} steps needs obs and next_obs of {} floats and "
             "actions of {}, got {}, {} and {}",
             l, l * d, l * a, obs.size(), next_obs.size(), actions.size());
  for (size_t k = 0; k < l; ++k) {
    RLAB_CHECK(std::isfinite(rewards[k]),
               "trajectory store: step {} of the episode has a non-finite reward {}", k,
               rewards[k]);
  }
  OpenEpisode ep;
  ep.obs.assign(obs.begin(), obs.end());
  ep.actions.assign(actions.begin(), actions.end());
  ep.next_obs.assign(next_obs.begin(), next_obs.end());
  ep.rewards.assign(rewards.begin(), rewards.end());
  const int64_t id = counters_.data_ptr<int64_t>()[kNextEpisodeId];
  Finish(ep, terminated);
  return id;
}

void TrajectoryStore::Finish(OpenEpisode& episode, bool terminated) {
  int64_t* c = counters_.data_ptr<int64_t>();
  const int64_t slot = c[kCursor];
  double total = 0.0;
  for (double r : episode.rewards) total += r;
  int64_t padding = 0;
  if (terminated && options_.absorbing_padding) {
    const int64_t d = options_.obs_dim;
    padding = options_.segment_length - 1;
    const std::vector<float> last(episode.next_obs.end() - d, episode.next_obs.end());
    for (int64_t k = 0; k < padding; ++k) {
      episode.obs.insert(episode.obs.end(), last.begin(), last.end());
      episode.next_obs.insert(episode.next_obs.end(), last.begin(), last.end());
      episode.actions.insert(episode.actions.end(), options_.action_dim, 0.0f);
      episode.rewards.push_back(0.0);
    }
  }
  const int64_t len = static_cast<int64_t>(episode.rewards.size());
  const int64_t t = options_.slot_steps(), d = options_.obs_dim, a = options_.action_dim;
  std::memcpy(ep_obs_.data_ptr<float>() + slot * t * d, episode.obs.data(),
              sizeof(float) * len * d);
  std::memcpy(ep_next_obs_.data_ptr<float>() + slot * t * d, episode.next_obs.data(),
              sizeof(float) * len * d);
  std::memcpy(ep_actions_.data_ptr<float>() + slot * t * a, episode.actions.data(),
              sizeof(float) * len * a);
  std::memcpy(ep_rewards_.data_ptr<double>() + slot * t, episode.rewards.data(),
              sizeof(double) * len);
  int64_t* meta = ep_meta_.data_ptr<int64_t>() + slot * 3;
  meta[kEpId] = c[kNextEpisodeId]++;
  meta[kEpLength] = len;
  meta[kEpTerminated] = terminated ? 1 : 0;
  ep_padding_.data_ptr<int64_t>()[slot] = padding;
  c[kCursor] = (slot + 1) % options_.capacity_episodes;

  recent_returns_.data_ptr<double>()[c[kFinished] % kRecentEpisodes] = total;
  ++c[kFinished];

  episode.obs.clear();
  episode.actions.clear();
  episode.next_obs.clear();
  episode.rewards.clear();
}

void TrajectoryStore::AbandonOpenEpisodes() {
  for (OpenEpisode& ep : open_) ep = OpenEpisode{};
}

int64_t TrajectoryStore::FreeSegmentSlot() {
  const int64_t s = options_.segment_capacity;
  const int64_t* meta = seg_meta_.data_ptr<int64_t>();
  int64_t oldest = -1;
  for (int64_t i = 0; i < s; ++i) {
    const int64_t* m = meta + i * 4;
    if (m[kSegId] < 0) return i;
    if (m[kSegPinned] == 0 && (oldest < 0 || m[kSegId] < meta[oldest * 4 + kSegId])) oldest = i;
  }
  RLAB_CHECK(oldest >= 0,
             "trajectory store: all {} segment slots hold labelled (pinned) segments; raise "
             "segment_capacity above the number of labelled segments (2 per query)",
             s);
  slot_of_.erase(meta[oldest * 4 + kSegId]);
  return oldest;
}

std::vector<int64_t> TrajectoryStore::CutSegments(int64_t count, Rng& rng) {
  RLAB_CHECK(count >= 0, "trajectory store: cannot cut {} segments", count);
  const int64_t h = options_.segment_length, t = options_.slot_steps();
  const int64_t d = options_.obs_dim, a = options_.action_dim;
  std::vector<int64_t> eligible;  // slots, in slot order (a function of the insertion history)
  const int64_t* ep_meta = ep_meta_.data_ptr<int64_t>();
  for (int64_t e = 0; e < options_.capacity_episodes; ++e) {
    if (ep_meta[e * 3 + kEpId] >= 0 && ep_meta[e * 3 + kEpLength] >= h) eligible.push_back(e);
  }
  RLAB_CHECK(count == 0 || !eligible.empty(),
             "trajectory store: no stored episode has at least H = {} steps to cut a segment "
             "from ({} episodes stored); collect more steps or shorten segment_length",
             h, stored_episodes());
  std::vector<int64_t> ids;
  ids.reserve(count);
  int64_t* c = counters_.data_ptr<int64_t>();
  for (int64_t k = 0; k < count; ++k) {
    const int64_t e = eligible[rng.UniformInt(static_cast<int64_t>(eligible.size()))];
    const int64_t len = ep_meta[e * 3 + kEpLength];
    const int64_t start = rng.UniformInt(len - h + 1);
    const int64_t slot = FreeSegmentSlot();
    std::memcpy(seg_obs_.data_ptr<float>() + slot * h * d,
                ep_obs_.data_ptr<float>() + (e * t + start) * d, sizeof(float) * h * d);
    std::memcpy(seg_next_obs_.data_ptr<float>() + slot * h * d,
                ep_next_obs_.data_ptr<float>() + (e * t + start) * d, sizeof(float) * h * d);
    std::memcpy(seg_actions_.data_ptr<float>() + slot * h * a,
                ep_actions_.data_ptr<float>() + (e * t + start) * a, sizeof(float) * h * a);
    std::memcpy(seg_rewards_.data_ptr<double>() + slot * h,
                ep_rewards_.data_ptr<double>() + e * t + start, sizeof(double) * h);
    int64_t* m = seg_meta_.data_ptr<int64_t>() + slot * 4;
    const int64_t id = c[kNextSegmentId]++;
    m[kSegId] = id;
    m[kSegEpisode] = ep_meta[e * 3 + kEpId];
    m[kSegStart] = start;
    m[kSegPinned] = 0;
    const int64_t real = len - ep_padding_.data_ptr<int64_t>()[e];
    seg_real_.data_ptr<int64_t>()[slot] = std::clamp<int64_t>(real - start, 0, h);
    slot_of_[id] = slot;
    ids.push_back(id);
  }
  return ids;
}

int64_t TrajectoryStore::SlotOf(int64_t id) const {
  const int64_t* meta = seg_meta_.data_ptr<int64_t>();
  auto it = slot_of_.find(id);
  if (it != slot_of_.end() && meta[it->second * 4 + kSegId] == id) return it->second;
  // A miss or a stale entry (after a checkpoint was restored in place): rebuild.
  slot_of_.clear();
  for (int64_t i = 0; i < options_.segment_capacity; ++i) {
    if (meta[i * 4 + kSegId] >= 0) slot_of_[meta[i * 4 + kSegId]] = i;
  }
  it = slot_of_.find(id);
  return it == slot_of_.end() ? -1 : it->second;
}

bool TrajectoryStore::HasSegment(int64_t id) const { return id >= 0 && SlotOf(id) >= 0; }

namespace {

int64_t CheckedSlot(int64_t slot, int64_t id, int64_t next_id) {
  RLAB_CHECK(slot >= 0,
             "trajectory store: unknown segment id {} ({}); ids handed out so far are 0 to {}", id,
             id >= 0 && id < next_id ? "it was evicted: pin labelled segments" : "never cut",
             next_id - 1);
  return slot;
}

}  // namespace

SegmentInfo TrajectoryStore::Info(int64_t id) const {
  const int64_t slot = CheckedSlot(SlotOf(id), id, next_segment_id());
  const int64_t* m = seg_meta_.data_ptr<int64_t>() + slot * 4;
  return {m[kSegId], m[kSegEpisode], m[kSegStart], m[kSegPinned] != 0};
}

SegmentTensors TrajectoryStore::Segments(std::span<const int64_t> ids) const {
  std::vector<int64_t> slots;
  slots.reserve(ids.size());
  for (int64_t id : ids) slots.push_back(CheckedSlot(SlotOf(id), id, next_segment_id()));
  const torch::Tensor index = torch::tensor(slots, torch::kLong);  // [N]
  const torch::Tensor real = seg_real_.index_select(0, index);     // [N]
  const torch::Tensor absorbing =
      torch::arange(options_.segment_length, torch::kLong).unsqueeze(0) >= real.unsqueeze(1);
  return {seg_obs_.index_select(0, index), seg_actions_.index_select(0, index),
          seg_next_obs_.index_select(0, index), absorbing};
}

std::span<const double> TrajectoryStore::TrueRewards(int64_t id) const {
  const int64_t slot = CheckedSlot(SlotOf(id), id, next_segment_id());
  const int64_t h = options_.segment_length;
  return {seg_rewards_.data_ptr<double>() + slot * h, static_cast<size_t>(h)};
}

void TrajectoryStore::Pin(std::span<const int64_t> ids) {
  for (int64_t id : ids) {
    const int64_t slot = CheckedSlot(SlotOf(id), id, next_segment_id());
    seg_meta_.data_ptr<int64_t>()[slot * 4 + kSegPinned] = 1;
  }
}

void TrajectoryStore::DropUnpinned() {
  int64_t* meta = seg_meta_.data_ptr<int64_t>();
  for (int64_t i = 0; i < options_.segment_capacity; ++i) {
    int64_t* m = meta + i * 4;
    if (m[kSegId] >= 0 && m[kSegPinned] == 0) {
      slot_of_.erase(m[kSegId]);
      m[kSegId] = -1;
    }
  }
}

double TrajectoryStore::MeanRecentReturn() const {
  const int64_t n = std::min<int64_t>(finished_episodes(), kRecentEpisodes);
  if (n == 0) return 0.0;
  const double* r = recent_returns_.data_ptr<double>();
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i) total += r[i];
  return total / static_cast<double>(n);
}

StoredTransitions TrajectoryStore::Transitions() const {
  // Oldest episode first: the ring starts at the cursor.
  const int64_t e = options_.capacity_episodes;
  const int64_t cursor = counters_.data_ptr<int64_t>()[kCursor];
  const int64_t* meta = ep_meta_.data_ptr<int64_t>();
  const int64_t* padding = ep_padding_.data_ptr<int64_t>();
  std::vector<torch::Tensor> obs, act, next, rew, absorbing;
  for (int64_t k = 0; k < e; ++k) {
    const int64_t slot = (cursor + k) % e;
    if (meta[slot * 3 + kEpId] < 0) continue;
    const int64_t len = meta[slot * 3 + kEpLength];
    obs.push_back(ep_obs_[slot].slice(0, 0, len));
    act.push_back(ep_actions_[slot].slice(0, 0, len));
    next.push_back(ep_next_obs_[slot].slice(0, 0, len));
    rew.push_back(ep_rewards_[slot].slice(0, 0, len));
    torch::Tensor flags = torch::zeros({len}, torch::kBool);
    flags.slice(0, len - padding[slot], len).fill_(true);
    absorbing.push_back(flags);
  }
  if (obs.empty()) {
    return {torch::zeros({0, options_.obs_dim}), torch::zeros({0, options_.action_dim}),
            torch::zeros({0, options_.obs_dim}), torch::zeros({0}, torch::kDouble),
            torch::zeros({0}, torch::kBool)};
  }
  return {torch::cat(obs), torch::cat(act), torch::cat(next), torch::cat(rew),
          torch::cat(absorbing)};
}

int64_t TrajectoryStore::stored_episodes() const {
  return (ep_meta_.select(1, kEpId) >= 0).sum().item<int64_t>();
}

int64_t TrajectoryStore::finished_episodes() const {
  return counters_.data_ptr<int64_t>()[kFinished];
}

int64_t TrajectoryStore::stored_segments() const {
  return (seg_meta_.select(1, kSegId) >= 0).sum().item<int64_t>();
}

int64_t TrajectoryStore::next_segment_id() const {
  return counters_.data_ptr<int64_t>()[kNextSegmentId];
}

void TrajectoryStore::AddTo(CheckpointState& state, const std::string& name) {
  state.AddTensor(name + ".ep_obs", ep_obs_);
  state.AddTensor(name + ".ep_actions", ep_actions_);
  state.AddTensor(name + ".ep_next_obs", ep_next_obs_);
  state.AddTensor(name + ".ep_rewards", ep_rewards_);
  state.AddTensor(name + ".ep_meta", ep_meta_);
  if (options_.absorbing_padding) {
    state.AddTensor(name + ".ep_padding", ep_padding_);
    state.AddTensor(name + ".seg_real", seg_real_);
  }
  state.AddTensor(name + ".seg_obs", seg_obs_);
  state.AddTensor(name + ".seg_actions", seg_actions_);
  state.AddTensor(name + ".seg_next_obs", seg_next_obs_);
  state.AddTensor(name + ".seg_rewards", seg_rewards_);
  state.AddTensor(name + ".seg_meta", seg_meta_);
  state.AddTensor(name + ".recent_returns", recent_returns_);
  state.AddTensor(name + ".counters", counters_);
}

}  // namespace rlab::data
