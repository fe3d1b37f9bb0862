// The file teacher: labels taken from a feedback file (feedback_file.h) written by a person or
// kept from an earlier run, instead of a scripted teacher. A run either answers its own queries
// from the file (Lookup) or trains on every labelled pair the file holds (records()).
//
// Labels follow B-Pref's convention (Lee et al., "B-Pref: Benchmarking Preference-Based
// Reinforcement Learning", arXiv:2111.03026): 0 = first preferred, 1 = second, 0.5 = equal.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rlab/feedback/feedback_file.h"
#include "rlab/feedback/segment_query.h"

namespace rlab::feedback {

class FileTeacher {
 public:
  // Reads the whole file (errors name file, line and field; the file is never modified).
  // `known`, when given, must accept every segment id. The same pair labelled twice with
  // different answers is an error naming both lines.
  explicit FileTeacher(const std::filesystem::path& path, const KnownSegment& known = nullptr);

  // The file's answer to the query (first, second): its record for (first, second), or its
  // record for (second, first) with the label mirrored (1 - label). A skipped record gives an
  // unanswered label; nullopt when the file has no record for the pair.
  std::optional<TeacherLabel> Lookup(int64_t first, int64_t second) const;
  // Every record in file order.
  const std::vector<FeedbackRecord>& records() const { return records_; }
  // Refuses the first record (in file order) naming a segment that `known` rejects, naming the
  // file, line, field and segment id; `known_segments` says which ids exist ("this run cut
  // segments 0 to 41").
  void CheckSegments(const KnownSegment& known, const std::string& known_segments) const;
  // "file(path=...)", the teacher name written to the run's own feedback.jsonl.
  std::string Describe() const;

 private:
  std::filesystem::path path_;
  std::vector<FeedbackRecord> records_;
  // (smaller id, larger id) -> index into records_.
  std::map<std::pair<int64_t, int64_t>, size_t> by_pair_;
};

}  // namespace rlab::feedback
