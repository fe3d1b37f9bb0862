#include "rlab/feedback/file_teacher.h"

#include <fmt/format.h>

#include "rlab/core/check.h"

namespace rlab::feedback {

namespace {

// The label of `r` as seen from the pair (min id, max id).
std::optional<double> Oriented(const FeedbackRecord& r) {
  if (!r.label || r.first < r.second) return r.label;
  return 1.0 - *r.label;
}

std::string LabelText(const std::optional<double>& label) {
  return label ? fmt::format("{}", *label) : "skipped";
}

}  // namespace

FileTeacher::FileTeacher(const std::filesystem::path& path, const KnownSegment& known)
    : path_(path), records_(ReadFeedbackFile(path, known)) {
  // A run taught by a file without labels would train on nothing and still succeed.
  RLAB_CHECK(!records_.empty(),
             "{}: the feedback file holds no records; each line must be one object such as "
             "{{\"first\": 3, \"second\": 8, \"label\": 1}}",
             path.string());
  for (size_t i = 0; i < records_.size(); ++i) {
    const FeedbackRecord& r = records_[i];
    const std::pair<int64_t, int64_t> key{std::min(r.first, r.second), std::max(r.first, r.second)};
    auto [it, inserted] = by_pair_.emplace(key, i);
    if (!inserted) {
      const FeedbackRecord& before = records_[it->second];
      RLAB_CHECK(Oriented(before) == Oriented(r),
                 "{}:{}: field 'label': segments {} and {} were already labelled at line {} with "
                 "a different answer ({} there, {} here as seen from ({}, {})); keep one of the "
                 "two lines",
                 path.string(), r.line, r.first, r.second, before.line, LabelText(Oriented(before)),
                 LabelText(Oriented(r)), key.first, key.second);
    }
  }
}

std::optional<TeacherLabel> FileTeacher::Lookup(int64_t first, int64_t second) const {
  auto it = by_pair_.find({std::min(first, second), std::max(first, second)});
  if (it == by_pair_.end()) return std::nullopt;
  const FeedbackRecord& r = records_[it->second];
  if (!r.label) return TeacherLabel{false, 0.0};
  const double label = r.first == first ? *r.label : 1.0 - *r.label;
  return TeacherLabel{true, label};
}

void FileTeacher::CheckSegments(const KnownSegment& known,
                                const std::string& known_segments) const {
  for (const FeedbackRecord& r : records_) {
    for (const auto& [field, id] : {std::pair{"first", r.first}, std::pair{"second", r.second}}) {
      RLAB_CHECK(known(id),
                 "{}:{}: field '{}': unknown segment id {} ({}); a feedback "
                 "file names the segments of a run with the same seed and settings (the "
                 "\"first\"/\"second\" of the queries it wrote to feedback.jsonl)",
                 path_.string(), r.line, field, id, known_segments);
    }
  }
}

std::string FileTeacher::Describe() const {
  return fmt::format("file(path=\"{}\")", path_.string());
}

}  // namespace rlab::feedback
