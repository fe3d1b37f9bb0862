// The trajectory store of preference-based RL (segments as in B-Pref, Lee et al.,
// arXiv:2111.03026): episodes from vector steps and whole episodes, segment cutting with
// stable ids, eviction, capacity, recent returns and checkpoints.
#include "rlab/data/trajectory_store.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/core/rng.h"
#include "test_support.h"

namespace rlab::data {
namespace {

using testing::ErrorOf;

// An episode of `len` steps whose step k has obs (base + k, -k), action 10 (base + k),
// reward base + k and next obs (base + k + 1, -k - 1).
struct Episode {
  std::vector<float> obs, actions, next_obs;
  std::vector<double> rewards;
};
Episode MakeEpisode(int len, float base) {
  Episode e;
  for (int k = 0; k < len; ++k) {
    e.obs.insert(e.obs.end(), {base + k, -static_cast<float>(k)});
    e.actions.push_back(10.0f * (base + k));
    e.next_obs.insert(e.next_obs.end(), {base + k + 1, -static_cast<float>(k + 1)});
    e.rewards.push_back(base + k);
  }
  return e;
}

TrajectoryStoreOptions Small() {
  TrajectoryStoreOptions o;
  o.obs_dim = 2;
  o.action_dim = 1;
  o.max_episode_steps = 20;
  o.capacity_episodes = 3;
  o.segment_length = 4;
  o.segment_capacity = 8;
  return o;
}

int64_t Add(TrajectoryStore& store, const Episode& e) {
  return store.AddEpisode(e.obs, e.actions, e.rewards, e.next_obs, true);
}

TEST(TrajectoryStore, SegmentsAreContiguousStepsOfOneEpisode) {
  TrajectoryStore store(Small());
  Add(store, MakeEpisode(10, 0));
  Add(store, MakeEpisode(12, 100));
  Rng rng(5);
  const std::vector<int64_t> ids = store.CutSegments(6, rng);
  ASSERT_EQ(ids, (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  const SegmentTensors t = store.Segments(ids);
  EXPECT_EQ(t.obs.sizes(), (std::vector<int64_t>{6, 4, 2}));
  EXPECT_EQ(t.actions.sizes(), (std::vector<int64_t>{6, 4, 1}));
  EXPECT_EQ(t.next_obs.sizes(), (std::vector<int64_t>{6, 4, 2}));
  for (size_t i = 0; i < ids.size(); ++i) {
    const SegmentInfo info = store.Info(ids[i]);
    const float base = info.episode_id == 0 ? 0.0f : 100.0f;
    const int len = info.episode_id == 0 ? 10 : 12;
    EXPECT_GE(info.start, 0);
    EXPECT_LE(info.start, len - 4);
    const std::span<const double> r = store.TrueRewards(ids[i]);
    ASSERT_EQ(r.size(), 4u);
    for (int k = 0; k < 4; ++k) {
      const float step = base + info.start + k;
      EXPECT_EQ(t.obs[i][k][0].item<float>(), step);
      EXPECT_EQ(t.obs[i][k][1].item<float>(), -static_cast<float>(info.start + k));
      EXPECT_EQ(t.actions[i][k][0].item<float>(), 10.0f * step);
      EXPECT_EQ(t.next_obs[i][k][0].item<float>(), step + 1);
      EXPECT_EQ(r[k], step);
    }
  }
}

TEST(TrajectoryStore, OffsetsCoverEveryFittingStartAndEpisodesUniformly) {
  TrajectoryStore store(Small());
  Add(store, MakeEpisode(7, 0));  // starts 0..3
  Add(store, MakeEpisode(7, 50));
  Add(store, MakeEpisode(3, 90));  // too short for H = 4: never cut
  Rng rng(11);
  std::set<int64_t> starts;
  int from_first = 0;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    const std::vector<int64_t> ids = store.CutSegments(1, rng);
    const SegmentInfo info = store.Info(ids[0]);
    ASSERT_NE(info.episode_id, 2);
    starts.insert(info.start);
    from_first += info.episode_id == 0;
  }
  EXPECT_EQ(starts, (std::set<int64_t>{0, 1, 2, 3}));
  EXPECT_NEAR(from_first / static_cast<double>(n), 0.5, 0.05);
}

TEST(TrajectoryStore, SameSeedSameSegments) {
  auto cut = [](uint64_t seed) {
    TrajectoryStore store(Small());
    Add(store, MakeEpisode(15, 0));
    Add(store, MakeEpisode(9, 30));
    Rng rng(seed);
    std::vector<std::pair<int64_t, int64_t>> out;
    for (int64_t id : store.CutSegments(5, rng)) {
      out.emplace_back(store.Info(id).episode_id, store.Info(id).start);
    }
    return out;
  };
  EXPECT_EQ(cut(3), cut(3));
  EXPECT_NE(cut(3), cut(4));
}

TEST(TrajectoryStore, VectorStepsBuildEpisodesPerEnvironment) {
  TrajectoryStoreOptions o = Small();
  o.num_envs = 2;
  o.segment_length = 2;
  TrajectoryStore store(o);
  // Environment 0 ends by termination after 3 steps, environment 1 by truncation after 2, then
  // starts a new episode that is still open at the end.
  for (int t = 0; t < 3; ++t) {
    const float obs[4] = {static_cast<float>(t), 0, static_cast<float>(100 + t), 0};
    const float next[4] = {static_cast<float>(t + 1), 0, static_cast<float>(101 + t), 0};
    const float act[2] = {1, 2};
    const float rew[2] = {1.0f, 2.0f};
    const uint8_t term[2] = {static_cast<uint8_t>(t == 2), 0};
    const uint8_t trunc[2] = {0, static_cast<uint8_t>(t == 1)};
    store.AddStep(obs, act, rew, next, term, trunc);
  }
  EXPECT_EQ(store.finished_episodes(), 2);
  EXPECT_EQ(store.stored_episodes(), 2);
  // Environment 1's episode finished first (id 0, 2 steps, return 4), then environment 0's
  // (id 1, 3 steps, return 3).
  EXPECT_DOUBLE_EQ(store.MeanRecentReturn(), (4.0 + 3.0) / 2);
  const StoredTransitions tr = store.Transitions();
  ASSERT_EQ(tr.obs.size(0), 5);
  EXPECT_EQ(tr.obs[0][0].item<float>(), 100.0f);
  EXPECT_EQ(tr.obs[2][0].item<float>(), 0.0f);
  EXPECT_EQ(tr.next_obs[4][0].item<float>(), 3.0f);
  EXPECT_EQ(tr.true_rewards[0].item<double>(), 2.0);
  EXPECT_EQ(tr.actions[3][0].item<float>(), 1.0f);
}

TEST(TrajectoryStore, OldestEpisodesAreDroppedAndRecentReturnsUseTheLastTen) {
  TrajectoryStore store(Small());  // capacity 3 episodes
  for (int i = 0; i < 12; ++i) Add(store, MakeEpisode(5, static_cast<float>(i)));
  EXPECT_EQ(store.finished_episodes(), 12);
  EXPECT_EQ(store.stored_episodes(), 3);
  // Episode i's return is sum_{k<5} (i + k) = 5 i + 10; the last ten are i = 2..11.
  double expected = 0;
  for (int i = 2; i < 12; ++i) expected += 5 * i + 10;
  EXPECT_DOUBLE_EQ(store.MeanRecentReturn(), expected / 10);
  Rng rng(1);
  for (int i = 0; i < 50; ++i) {
    EXPECT_GE(store.Info(store.CutSegments(1, rng)[0]).episode_id, 9);
  }
  EXPECT_EQ(store.Transitions().obs.size(0), 15);
  EXPECT_EQ(store.Transitions().obs[0][0].item<float>(), 9.0f);  // oldest kept episode first
}

TEST(TrajectoryStore, UnpinnedSegmentsAreEvictedOldestFirstPinnedOnesStay) {
  TrajectoryStore store(Small());  // 8 segment slots
  Add(store, MakeEpisode(10, 0));
  Rng rng(2);
  const std::vector<int64_t> first = store.CutSegments(8, rng);
  store.Pin(std::vector<int64_t>{first[0], first[3]});
  const std::vector<int64_t> more = store.CutSegments(3, rng);
  EXPECT_EQ(more, (std::vector<int64_t>{8, 9, 10}));
  EXPECT_TRUE(store.HasSegment(0));
  EXPECT_TRUE(store.HasSegment(3));
  EXPECT_FALSE(store.HasSegment(1));  // the oldest unpinned ones went
  EXPECT_FALSE(store.HasSegment(2));
  EXPECT_FALSE(store.HasSegment(4));
  EXPECT_TRUE(store.HasSegment(5));
  EXPECT_TRUE(store.Info(0).pinned);
  store.DropUnpinned();
  EXPECT_EQ(store.stored_segments(), 2);
  EXPECT_EQ(store.next_segment_id(), 11);  // ids are never reused
  EXPECT_EQ(store.CutSegments(1, rng), (std::vector<int64_t>{11}));
  const std::string evicted = ErrorOf([&] { store.TrueRewards(1); });
  EXPECT_NE(evicted.find("unknown segment id 1"), std::string::npos) << evicted;
  EXPECT_NE(evicted.find("evicted"), std::string::npos) << evicted;
  const std::string never = ErrorOf([&] { store.Segments(std::vector<int64_t>{99}); });
  EXPECT_NE(never.find("never cut"), std::string::npos) << never;
}

TEST(TrajectoryStore, AllSlotsPinnedIsAClearError) {
  TrajectoryStoreOptions o = Small();
  o.segment_capacity = 2;
  TrajectoryStore store(o);
  Add(store, MakeEpisode(6, 0));
  Rng rng(1);
  store.Pin(store.CutSegments(2, rng));
  const std::string e = ErrorOf([&] { store.CutSegments(1, rng); });
  EXPECT_NE(e.find("segment_capacity"), std::string::npos) << e;
}

TEST(TrajectoryStore, BadInputIsRefused) {
  TrajectoryStore store(Small());
  Rng rng(1);
  EXPECT_NE(ErrorOf([&] { store.CutSegments(1, rng); }).find("at least H = 4"), std::string::npos);
  Episode long_one = MakeEpisode(21, 0);
  EXPECT_THROW(Add(store, long_one), Error);
  Episode e = MakeEpisode(5, 0);
  e.rewards[2] = std::nan("");
  EXPECT_NE(ErrorOf([&] { Add(store, e); }).find("non-finite"), std::string::npos);
  e = MakeEpisode(5, 0);
  e.actions.pop_back();
  EXPECT_THROW(Add(store, e), Error);
  TrajectoryStoreOptions o = Small();
  o.segment_length = 21;
  EXPECT_NE(ErrorOf([&] { TrajectoryStore s(o); }).find("segment_length"), std::string::npos);
  // A vector environment running past T steps.
  TrajectoryStoreOptions v = Small();
  v.max_episode_steps = 4;
  TrajectoryStore vs(v);
  const float obs[2] = {0, 0}, act[1] = {0}, rew[1] = {1};
  const uint8_t no[1] = {0};
  for (int t = 0; t < 4; ++t) vs.AddStep(obs, act, rew, obs, no, no);
  EXPECT_NE(ErrorOf([&] { vs.AddStep(obs, act, rew, obs, no, no); }).find("max_episode_steps"),
            std::string::npos);
}

TEST(TrajectoryStore, CheckpointRestoresEpisodesSegmentsAndIds) {
  testing::ScratchDir dir("trajectory_store_checkpoint");
  TrajectoryStore store(Small());
  Add(store, MakeEpisode(10, 0));
  Add(store, MakeEpisode(8, 40));
  Rng rng(7);
  const std::vector<int64_t> ids = store.CutSegments(5, rng);
  store.Pin(std::vector<int64_t>{ids[1]});
  CheckpointState state;
  state.IncludeTorchRng(false);
  store.AddTo(state, "store");
  state.AddRng("rng", &rng);
  state.Save(dir / "ckpt.pt", {{"step", 1}});
  const std::vector<int64_t> next_ids = store.CutSegments(3, rng);
  const torch::Tensor expected_obs = store.Segments(next_ids).obs;

  TrajectoryStore restored(Small());
  Rng rng2(0);
  CheckpointState state2;
  state2.IncludeTorchRng(false);
  restored.AddTo(state2, "store");
  state2.AddRng("rng", &rng2);
  state2.Load(dir / "ckpt.pt");
  EXPECT_EQ(restored.stored_episodes(), 2);
  EXPECT_EQ(restored.stored_segments(), 5);
  EXPECT_EQ(restored.next_segment_id(), 5);
  EXPECT_TRUE(restored.Info(ids[1]).pinned);
  EXPECT_DOUBLE_EQ(restored.MeanRecentReturn(), store.MeanRecentReturn());
  for (int64_t id : ids) {
    const auto a = store.TrueRewards(id), b = restored.TrueRewards(id);
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  }
  // The resumed store cuts the same segments with the same ids.
  EXPECT_EQ(restored.CutSegments(3, rng2), next_ids);
  EXPECT_TRUE(torch::equal(restored.Segments(next_ids).obs, expected_obs));
}

}  // namespace
}  // namespace rlab::data

namespace rlab::data {
namespace {

TEST(TrajectoryStore, AbsorbingPaddingExtendsTerminatedEpisodesOnly) {
  TrajectoryStoreOptions o = Small();
  o.absorbing_padding = true;
  TrajectoryStore store(o);
  const Episode short_one = MakeEpisode(2, 0.0f);  // shorter than H = 4: cuttable once padded
  store.AddEpisode(short_one.obs, short_one.actions, short_one.rewards, short_one.next_obs, true);
  const Episode truncated = MakeEpisode(5, 100.0f);
  store.AddEpisode(truncated.obs, truncated.actions, truncated.rewards, truncated.next_obs, false);
  EXPECT_DOUBLE_EQ(store.MeanRecentReturn(), (0.0 + 1.0 + 100 + 101 + 102 + 103 + 104) / 2);

  const StoredTransitions t = store.Transitions();
  ASSERT_EQ(t.obs.size(0), 2 + 3 + 5);  // 2 steps + H - 1 absorbing, then 5 unpadded
  const std::vector<bool> expected = {false, false, true,  true,  true,
                                      false, false, false, false, false};
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(t.absorbing[i].item<bool>(), expected[i]) << i;
  for (int64_t i = 2; i < 5; ++i) {
    // The terminal observation (2, -2) repeated, action 0, reward 0.
    EXPECT_FLOAT_EQ(t.obs[i][0].item<float>(), 2.0f);
    EXPECT_FLOAT_EQ(t.next_obs[i][1].item<float>(), -2.0f);
    EXPECT_FLOAT_EQ(t.actions[i][0].item<float>(), 0.0f);
    EXPECT_DOUBLE_EQ(t.true_rewards[i].item<double>(), 0.0);
  }
  // Every segment of the padded episode holds at least one real step.
  Rng rng(3);
  for (int round = 0; round < 10; ++round) {
    for (int64_t id : store.CutSegments(8, rng)) {
      const SegmentInfo info = store.Info(id);
      const std::vector<int64_t> one = {id};
      const torch::Tensor absorbing = store.Segments(one).absorbing[0];  // [H]
      if (info.episode_id == 0) {
        EXPECT_LE(info.start, 1);
        // Steps 2.. of the episode are padding.
        for (int64_t k = 0; k < 4; ++k) EXPECT_EQ(absorbing[k].item<bool>(), info.start + k >= 2);
      } else {
        EXPECT_FALSE(absorbing.any().item<bool>());
      }
    }
    store.DropUnpinned();
  }
}

}  // namespace
}  // namespace rlab::data
