// What a reward-model directory records about its training data, so that an evaluation can
// tell when it reuses it. train-rm writes <model>/training_data.json:
//   {"data_files": {"path": "sha256 of the file"} (for a task source: "task": "task:SPEC"),
//    "records": the training records, "prompt_fingerprints": [...], "pair_fingerprints": [...]}
// A fingerprint is the first 64 bits (16 hex digits) of the SHA-256 of normalised text: ASCII
// letters in lower case, every run of whitespace one space, trimmed. A prompt's covers the
// rendered prompt; a pair's the prompt and each response in order, so the same pair with its
// responses swapped is another pair. Both lists are sorted and hold each fingerprint once.
// eval-rm counts its records whose prompt or whole pair the model was trained on, and warns.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/preference_dataset.h"

namespace rlab::pipeline {

inline constexpr std::string_view kTrainingDataFile = "training_data.json";

std::string NormalizeForFingerprint(std::string_view text);
std::string PromptFingerprint(std::string_view prompt);
std::string PairFingerprint(const data::PreferenceRecord& record);

// The content of training_data.json for `train` records read from `source` (a file or
// task:SPEC).
nlohmann::json DescribeTrainingData(const std::string& source,
                                    const std::vector<data::PreferenceRecord>& train);
void WriteTrainingData(const std::filesystem::path& model_dir, const nlohmann::json& description);

struct TrainingOverlap {
  bool checked = false;      // the model directory records its training data
  bool same_file = false;    // the evaluation file is one of the training files (same SHA-256)
  bool task_source = false;  // the evaluation pairs are a task's, whose prompts are shared
  int64_t prompts = 0;       // evaluation records whose prompt was trained on
  int64_t pairs = 0;         // evaluation records whose whole pair was trained on
  std::string first_where;   // the first record whose prompt was trained on
  // "overlap_prompts", "overlap_pairs" (null when not checked), "same_file_as_training".
  nlohmann::json ToJson() const;
  // What eval-rm warns; empty when there is nothing to warn about. A task's train and test
  // pairs are drawn over the same prompts, so for task:SPEC only shared pairs are warned about.
  std::string Warning(std::size_t records) const;
};

// `records` (read from `eval_source`) against the training data `model_dir` records; not
// checked when it records none (a model from another tool, or trained before it did).
TrainingOverlap FindTrainingOverlap(const std::filesystem::path& model_dir,
                                    const std::string& eval_source,
                                    const std::vector<data::PreferenceRecord>& records);

}  // namespace rlab::pipeline
