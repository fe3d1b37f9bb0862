// The feedback side of preference-based RL for control: on the feedback schedule, cut a pool
// of candidate segment pairs from the trajectory store, pick the queries to ask with a
// selector over the reward ensemble's member probabilities, have the teacher (scripted, or a
// feedback file written by a person) answer them, return every query for feedback.jsonl, and
// keep the labelled pairs for the reward model. Feedback budgets count queries asked,
// answered or not (issue 5; B-Pref, Lee et al., "B-Pref: Benchmarking Preference-Based
// Reinforcement Learning", arXiv:2111.03026). The round structure is PEBBLE's (Lee, Smith,
// Abbeel, "PEBBLE: Feedback-Efficient Interactive Reinforcement Learning via Relabeling
// Experience and Unsupervised Pre-training", arXiv:2106.05091): a pool of k x batch
// candidates, the first round drawn uniformly because the ensemble knows nothing yet.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/data/trajectory_store.h"
#include "rlab/feedback/feedback_file.h"
#include "rlab/feedback/file_teacher.h"
#include "rlab/feedback/people_teacher.h"
#include "rlab/feedback/query_schedule.h"
#include "rlab/feedback/query_selection.h"
#include "rlab/feedback/teacher.h"
#include "rlab/reward/model/ensemble_reward_model.h"

namespace rlab::rl {

struct LabelledPair {
  int64_t first = -1, second = -1;  // segment ids
  double label = 0;                 // 0 first preferred, 1 second, 0.5 equal
};

// A scripted teacher from the registry, or `file(path=...)`: labels from a feedback file
// (feedback/file_teacher.h), looked up by segment ids; a pair the file does not hold counts
// as asked and skipped. Once the feedback budget is spent, a file record naming a segment the
// run never cut is an error (it could never have been used). Or `people(db=...)`
// (feedback/people_teacher.h): a round's queries go to the label queue at once, with the
// segments' observations and actions and `run`'s env, and the round waits for people's answers.
class PairTeacher {
 public:
  explicit PairTeacher(const std::string& spec, const feedback::PeopleRun& run = {});
  feedback::TeacherLabel Label(int64_t first, int64_t second, const feedback::SegmentQuery& query,
                               const feedback::TeacherContext& context, Rng& rng) const;
  std::string Describe() const;
  int64_t missing_in_file() const { return missing_; }
  // For a file teacher: refuses a record naming a segment id `store` never handed out.
  void CheckFileSegments(const data::TrajectoryStore& store) const;
  // The people teacher, or null for the others.
  feedback::PeopleTeacher* people() const { return people_.get(); }

 private:
  std::unique_ptr<feedback::Teacher> scripted_;
  std::unique_ptr<feedback::FileTeacher> file_;
  std::unique_ptr<feedback::PeopleTeacher> people_;
  mutable int64_t missing_ = 0;
};

struct PreferenceRoundOptions {
  int64_t budget = 200;  // queries asked over the run
  int64_t batch = 20;    // base queries per round, scaled by the schedule
  std::string schedule = "constant";
  std::string selector = "disagreement(pool=10)";
};

class PreferenceRounds {
 public:
  // `people_run` says which run asks, for a people(...) teacher.
  PreferenceRounds(const PreferenceRoundOptions& options, const std::string& teacher_spec,
                   data::TrajectoryStore& store, int64_t episode_length,
                   const feedback::PeopleRun& people_run = {});

  // Asks one round at `step` of `total_steps` (uniform selection when `uniform` or when the
  // selector needs probabilities and `ensemble` is null); appends each query to `queries`
  // (for feedback.jsonl). Returns the number of queries asked (0 once the budget is spent).
  int64_t Ask(int64_t step, int64_t total_steps, reward::RewardEnsemble* ensemble, bool uniform,
              std::vector<feedback::FeedbackRecord>& queries, Rng& rng);

  bool budget_left() const { return counts_.asked < options_.budget; }
  const feedback::LabelCounts& counts() const { return counts_; }
  const std::vector<LabelledPair>& labelled() const { return labelled_; }
  // The answered pairs as the reward model sees them (segments from the store).
  reward::PreferencePairs Pairs() const;
  const PairTeacher& teacher() const { return teacher_; }

  // Counters and labelled pairs for checkpoints.
  nlohmann::json ToJson() const;
  void FromJson(const nlohmann::json& j);

 private:
  PreferenceRoundOptions options_;
  PairTeacher teacher_;
  std::unique_ptr<feedback::QuerySelector> selector_;
  std::unique_ptr<feedback::QuerySchedule> schedule_;
  data::TrajectoryStore& store_;
  int64_t episode_length_;
  feedback::LabelCounts counts_;
  std::vector<LabelledPair> labelled_;
};

}  // namespace rlab::rl
