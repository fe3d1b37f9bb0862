// The queue of comparisons people judge, and their answers: one SQLite database (WAL journal,
// synchronous=FULL, one transaction per label), so that a label acknowledged to a labeller is on
// disk and a server killed at any moment loses none of them. `rlab label` serves it to people
// (serve/label_server.h); a PbRL run's `people(...)` teacher puts its queries in it and waits
// for their answers; exports turn it into feedback.jsonl (feedback_file.h) or TRL's preference
// JSONL. Several people may judge the same comparison; agreement statistics compare them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rlab::feedback {

// One thing to judge. `id` is stable and unique within the queue: queueing an id again keeps the
// first copy (so a resumed run re-queues its open queries harmlessly).
struct Comparison {
  std::string id;
  std::string kind;        // "text" or "segments"
  nlohmann::json payload;  // text: {"prompt", "left", "right"} (strings);
                           // segments: {"env": "CartPole-v1", "left": {"observations": [[..]..],
                           // "actions": [[..]..]}, "right": {...}, "first_segment": id,
                           // "second_segment": id}; the left segment is the first one.
                           // Other fields are kept (and exported where a layout has room).
  std::string source;      // who queued it: a file, a run directory
};

// One person's answer.
struct HumanLabel {
  int64_t seq = 0;  // order of arrival in the queue, from 1
  std::string comparison_id;
  std::string labeller;
  std::string choice;  // "left", "right", "tie" or "skip"
  std::string time;    // UTC, ISO 8601 with milliseconds
};

struct QueueCounts {
  int64_t comparisons = 0;
  int64_t labelled = 0;  // comparisons with at least one label that is not "skip"
  int64_t labels = 0;    // all labels, skips included
};

class LabelQueue {
 public:
  // Opens (creating when absent) the database at `path`; errors name the path.
  explicit LabelQueue(const std::filesystem::path& path);
  ~LabelQueue();
  LabelQueue(const LabelQueue&) = delete;
  LabelQueue& operator=(const LabelQueue&) = delete;

  // Queues the comparisons whose id is new, in one transaction; returns how many were new.
  int64_t Enqueue(const std::vector<Comparison>& items);
  // The oldest comparison `labeller` has not answered yet, or nullopt.
  std::optional<Comparison> NextFor(const std::string& labeller) const;
  std::optional<Comparison> Find(const std::string& id) const;
  // Every comparison, in the order they were queued.
  std::vector<Comparison> Comparisons() const;
  // Stores one label in its own committed transaction and returns it. An unknown id or a choice
  // other than left/right/tie/skip is an error naming it. A labeller answering the same
  // comparison again replaces their earlier answer (the latest counts).
  HumanLabel Record(const std::string& comparison_id, const std::string& labeller,
                    const std::string& choice);
  // Every label, in arrival order; with an id, that comparison's only.
  std::vector<HumanLabel> Labels(const std::string& comparison_id = "") const;
  QueueCounts Counts() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Db;
  std::filesystem::path path_;
  std::unique_ptr<Db> db_;
};

}  // namespace rlab::feedback
