// Step data in TRL's stepwise-supervision layout (its PRMTrainer's input): one record per
// completion, {"prompt": "...", "completions": ["step 1", "step 2", ...], "labels": [true,
// false, ...]}, one boolean per step saying whether the step is right, in a .jsonl or .json
// file (text/record_file.h). Steps are joined into one completion by a delimiter (TRL's
// step_separator, "\n" by default), so a step may not contain it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rlab::data {

struct StepRecord {
  std::string prompt;
  std::vector<std::string> steps;
  std::vector<bool> labels;  // one per step
  std::string where;         // "file:line" of the record, for messages
};

// Every record of `path`; a missing or mistyped field, an empty step, a step that contains
// `delimiter`, or labels of another length than the steps is an error naming the file, line
// and field.
std::vector<StepRecord> ReadStepRecords(const std::filesystem::path& path,
                                        const std::string& delimiter);

}  // namespace rlab::data
