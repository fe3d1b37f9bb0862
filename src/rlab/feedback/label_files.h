// Files in and out of the label queue (label_queue.h):
//   ReadTextPairs    JSONL of text pairs to queue: {"prompt", "left", "right"}, or TRL's
//                    preference layout {"prompt", "chosen", "rejected"}, whose two answers are
//                    put left and right by a seeded coin (people shown the chosen answer always
//                    on one side learn the side); the payload keeps where the chosen one went
//                    ("source_chosen": "left"|"right"), which the page is not sent. An "id"
//                    (string or whole number) names the comparison, else a digest of its texts
//                    does, so queueing a file again adds nothing new.
//   ExportFeedback   segment comparisons as feedback.jsonl (feedback_file.h), for a PbRL run's
//                    file teacher: left is the first segment (label 0), right the second (1),
//                    tie 0.5; the teacher field names the labellers ("ann", "ann+bob")
//   ExportTrl        text comparisons as TRL's preference JSONL (prompt, chosen, rejected),
//                    with "id", "labeller", "time" (the latest answer) and "votes"; ties are
//                    written as "tie": true (rlab's preference reader and train-rm understand
//                    it) or dropped
// Where several people judged one comparison, the export holds its majority answer
// (label_agreement.h: a shared top count is a tie). Comparisons everyone skipped are left out.
// Exports are written atomically; input errors name the file, line and field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rlab/feedback/label_queue.h"

namespace rlab::feedback {

std::vector<Comparison> ReadTextPairs(const std::filesystem::path& path, uint64_t seed);

struct ExportReport {
  int64_t written = 0;
  int64_t ties = 0;        // written as ties (or dropped, with keep_ties false)
  int64_t majority = 0;    // written from two or more people's answers
  int64_t split = 0;       // ... who did not all agree
  int64_t unlabelled = 0;  // of the exported kind, with no answer but skips
  int64_t other_kind = 0;  // comparisons of the other kind, not exported
};

ExportReport ExportFeedback(const LabelQueue& queue, const std::filesystem::path& out);
ExportReport ExportTrl(const LabelQueue& queue, const std::filesystem::path& out, bool keep_ties);

}  // namespace rlab::feedback
