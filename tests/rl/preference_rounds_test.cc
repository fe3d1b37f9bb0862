// Preference rounds with a file teacher: a record naming a segment the run never cut is an
// error naming the file, line, field and segment id once no later round could use it.
#include "rlab/rl/preference_rounds.h"

#include <gtest/gtest.h>

#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

using testing::ErrorOf;
using testing::ScratchDir;
using testing::WriteText;

// A store holding three finished episodes of 10 steps (obs [10, 2], actions [10, 1]).
data::TrajectoryStore StoreWithEpisodes() {
  data::TrajectoryStoreOptions o;
  o.obs_dim = 2;
  o.action_dim = 1;
  o.max_episode_steps = 10;
  o.capacity_episodes = 3;
  o.segment_length = 4;
  o.segment_capacity = 16;
  data::TrajectoryStore store(o);
  for (int e = 0; e < 3; ++e) {
    std::vector<float> obs(20, static_cast<float>(e)), actions(10, 0.0f), next_obs(20, 1.0f);
    std::vector<double> rewards(10, 1.0 + e);
    store.AddEpisode(obs, actions, rewards, next_obs, true);
  }
  return store;
}

PreferenceRoundOptions OneRoundOfTwo(int64_t budget) {
  PreferenceRoundOptions o;
  o.budget = budget;
  o.batch = 2;
  o.selector = "uniform";
  return o;
}

// Asks one round with a file teacher over `records`; returns the error, "" when none.
std::string AskOnce(const std::string& records, int64_t budget) {
  ScratchDir dir("preference_rounds_file");
  WriteText(dir / "labels.jsonl", records);
  data::TrajectoryStore store = StoreWithEpisodes();
  PreferenceRounds rounds(OneRoundOfTwo(budget),
                          "file(path=" + (dir / "labels.jsonl").string() + ")", store, 10);
  std::vector<feedback::FeedbackRecord> queries;
  Rng rng(3);
  return ErrorOf([&] { rounds.Ask(0, 100, nullptr, true, queries, rng); });
}

TEST(PreferenceRounds, FileRecordNamingASegmentNeverCutIsAnErrorNamingFileLineAndId) {
  // One round of 2 queries cuts segments 0 to 3 and spends the budget.
  const std::string e = AskOnce("{\"first\": 0, \"second\": 2, \"label\": 1}\n{\"first\": 1, "
                                "\"second\": 500, \"label\": 0}\n",
                                2);
  EXPECT_NE(e.find("labels.jsonl:2: field 'second': unknown segment id 500 (this run cut "
                   "segments 0 to 3)"),
            std::string::npos)
      << e;
}

TEST(PreferenceRounds, FileRecordsOfCutSegmentsOrOfLaterRoundsAreAccepted) {
  const std::string cut =
      "{\"first\": 0, \"second\": 2, \"label\": 1}\n{\"first\": 3, \"second\": 1, \"label\": 0}\n";
  EXPECT_EQ(AskOnce(cut, 2), "");
  // Budget left: segment 500 may still be cut by a later round.
  EXPECT_EQ(AskOnce(cut + "{\"first\": 1, \"second\": 500, \"label\": 0}\n", 4), "");
}

}  // namespace
}  // namespace rlab::rl
