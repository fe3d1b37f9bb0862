// samples.jsonl: a few of the completions a language-model run generated at each evaluation,
// one JSON object per line, {"step": 100, "prompt": "...", "completion": "...", "reward": 0.5,
// "gold": 1.0} ("reward" and "gold" only when the run has them; a non-finite one is null), so
// that `rlab report` can show what the model writes next to the numbers it scores.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "rlab/core/io.h"

namespace rlab::eval {
struct TaskEvalResult;
}

namespace rlab::pipeline {

class RunContext;

struct Sample {
  std::string prompt;
  std::string completion;
  std::optional<double> reward;  // the reward the run optimises, when it has one
  std::optional<double> gold;    // the task's gold reward, when the data is a task's
};

// How many prompts' samples each evaluation logs.
inline constexpr int64_t kSamplesPerEvaluation = 4;

class SampleLog {
 public:
  SampleLog() = default;
  // Appends to `run_dir`/samples.jsonl, created by the first Append (a run that samples
  // nothing has no file). When `resuming` from a checkpoint with `counters`, the file is cut
  // back as the metrics log is, so that the evaluations the resumed run repeats are not
  // logged twice: to its length at the checkpoint when the counters hold it (AddLengthTo),
  // else to the lines of steps up to the checkpoint's "step"; without a checkpoint (nullopt)
  // the run starts over and so does the file. A torn last line is dropped either way.
  SampleLog(const std::filesystem::path& run_dir, bool resuming,
            const std::optional<nlohmann::json>& counters);
  // The same for a pipeline, from the counters RunContext::Restore returned.
  static SampleLog ForRun(const RunContext& ctx, const std::optional<nlohmann::json>& counters);

  // Records the file's length in a checkpoint's counters, so that a run resumed from it keeps
  // exactly the lines written before it (the evaluation a pipeline runs after its final
  // checkpoint is then logged once).
  void AddLengthTo(nlohmann::json& counters) const;

  static std::filesystem::path PathIn(const std::filesystem::path& run_dir) {
    return run_dir / "samples.jsonl";
  }

  // Appends the first kSamplesPerEvaluation samples, one line each, every line written and
  // flushed whole (a kill leaves at most a torn last line, which readers and resumes drop).
  // Text that is not valid UTF-8 (a byte-level model's output can stop mid-character) is
  // written with U+FFFD in place of the bad bytes.
  void Append(int64_t step, const std::vector<Sample>& samples);

 private:
  std::filesystem::path file_;
  JsonlWriter writer_;
};

// The samples of a task evaluation: each prompt with its completion and gold reward.
std::vector<Sample> TaskEvalSamples(const eval::TaskEvalResult& result);

}  // namespace rlab::pipeline
