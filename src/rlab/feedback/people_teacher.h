// The people teacher of PbRL, people(db=labels.db, timeout=600, labellers=1, poll=2, url=...):
// each feedback round's queries go to the label queue (label_queue.h) as "segments"
// comparisons, the run waits while people answer them (`rlab label --db labels.db` serves the
// queue as a page), and the answers become B-Pref labels (Lee et al., "B-Pref: Benchmarking
// Preference-Based Reinforcement Learning", arXiv:2111.03026): left 0, right 1, tie 0.5, skip
// unanswered. A comparison is answered once `labellers` people judged it; with several, the
// most frequent choice among those that did not skip wins (a draw between choices is a tie,
// 0.5), and a comparison everyone skipped is unanswered.
//
// Ids are the run's id and the two segment ids, so a run resumed from its last checkpoint, which
// replays the same segments, queues the same comparisons again harmlessly and finds the answers
// given meanwhile. When `timeout` seconds pass with answers missing, Ask fails with a message
// that says how many wait, where to label, and to continue with `rlab run --resume RUN_DIR`.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/feedback/label_queue.h"
#include "rlab/feedback/segment_query.h"

namespace rlab::feedback {

// The spec name: people(db=...).
inline constexpr std::string_view kPeopleTeacherSpec = "people";

struct PeopleTeacherOptions {
  std::filesystem::path db;  // the label queue's SQLite file
  double timeout = 600;      // seconds a round waits for its answers
  int64_t labellers = 1;     // people who judge each comparison
  double poll = 2;           // seconds between looks at the queue (at most 60)
  std::string url;           // where people label, shown while waiting; "" when unknown
};

// Which run asks: the comparisons' ids start with `run_id`, their source is `run_dir`, and
// `env` tells the page how to draw the segments.
struct PeopleRun {
  std::string run_id;
  std::filesystem::path run_dir;
  std::string env;
};

// One query: two segments as the page shows them, {"observations": [[..]..], "actions":
// [[..]..]} each, one row per step.
struct PeopleQuery {
  int64_t first = -1, second = -1;  // segment ids
  nlohmann::json left, right;
};

// "RUN_ID/segments-FIRST-SECOND".
std::string PeopleComparisonId(const std::string& run_id, int64_t first, int64_t second);
// The label of a comparison answered by `labels` (B-Pref's values; unanswered when all skipped
// or when there are none).
TeacherLabel MajorityLabel(const std::vector<HumanLabel>& labels);

class PeopleTeacher {
 public:
  // `spec` is people(db=..., timeout=..., labellers=..., poll=..., url=...); opens the queue.
  PeopleTeacher(const std::string& spec, PeopleRun run);
  ~PeopleTeacher();

  // Queues `queries` and waits for their answers: one label per query, in order. Fails, with
  // what to do, when `timeout` passes first; progress goes to the log while it waits.
  std::vector<TeacherLabel> Ask(const std::vector<PeopleQuery>& queries);
  // people(db=..., timeout=..., labellers=...), the teacher written to feedback.jsonl.
  std::string Describe() const;
  const PeopleTeacherOptions& options() const { return options_; }

 private:
  PeopleTeacherOptions options_;
  PeopleRun run_;
  std::unique_ptr<LabelQueue> queue_;
};

}  // namespace rlab::feedback
