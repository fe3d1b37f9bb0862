// Feedback files: every query a run asks and the answer it got, one JSON object per line of
// `feedback.jsonl` in the run directory, so that labels survive a crash, can be audited, and
// can be written by a person and fed back to a run (file_teacher.h).
//
//   {"step": 12000, "first": 40, "second": 57, "label": 1, "teacher": "oracle(...)"}
//   {"step": 12000, "first": 41, "second": 12, "label": null, "teacher": "skip(...)"}
//
//   step     environment step at which the query was asked (optional when reading; -1 if absent)
//   first    segment id of the first segment (TrajectoryStore ids)
//   second   segment id of the second segment
//   label    0 = first preferred, 1 = second preferred, 0.5 = equally preferable, null =
//            skipped; B-Pref's convention (Lee et al., "B-Pref: Benchmarking Preference-Based
//            Reinforcement Learning", arXiv:2111.03026), as in segment_query.h
//   teacher  who answered: a teacher's Describe(), or any text (optional when reading;
//            "person" if absent)
//
// The writer appends one flushed line per record (a crash loses at most the line being
// written). The reader never modifies the file; its errors name the file, line and field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rlab/core/io.h"

namespace rlab::feedback {

struct FeedbackRecord {
  int64_t step = -1;
  int64_t first = -1;
  int64_t second = -1;
  std::optional<double> label;  // nullopt: skipped
  std::string teacher = "person";
  int64_t line = 0;  // 1-based line of the file it was read from (0 when not read from a file)
};

// Checks that `label` is one of 0, 0.5, 1.
bool IsValidLabel(double label);

// Appends records to a feedback file.
class FeedbackWriter {
 public:
  FeedbackWriter() = default;
  // Opens `path` for appending (creating it). A torn last line (no newline at the end and not
  // valid JSON, left by a killed writer) is dropped first, atomically; a complete last line
  // that lacks only its newline gets one. With `keep_through_step`, records asked after that
  // step are dropped too (resuming from a checkpoint taken at that step asks them again).
  explicit FeedbackWriter(const std::filesystem::path& path,
                          std::optional<int64_t> keep_through_step = std::nullopt);

  // Writes one record (checked: ids >= 0, label valid or skipped) as one flushed line.
  void Write(const FeedbackRecord& record);
  bool is_open() const { return writer_.is_open(); }
  const std::filesystem::path& path() const { return path_; }
  int64_t dropped_torn_lines() const { return dropped_torn_lines_; }

 private:
  std::filesystem::path path_;
  JsonlWriter writer_;
  int64_t dropped_torn_lines_ = 0;
};

// Says whether a segment id exists in the run (for example TrajectoryStore::HasSegment).
using KnownSegment = std::function<bool(int64_t)>;

struct FeedbackReadResult {
  std::vector<FeedbackRecord> records;  // every good record before the first bad line
  std::optional<std::string> error;     // "file:line: field 'x': what is wrong and how to fix it"
  int64_t error_line = 0;
};

// Reads a feedback file without stopping at the first bad line's error: the records read
// before it are returned with the error. `known`, when given, must accept every segment id.
FeedbackReadResult ReadFeedbackFilePartial(const std::filesystem::path& path,
                                           const KnownSegment& known = nullptr);
// The same, but a bad line is an rlab::Error (naming file, line and field).
std::vector<FeedbackRecord> ReadFeedbackFile(const std::filesystem::path& path,
                                             const KnownSegment& known = nullptr);

}  // namespace rlab::feedback
