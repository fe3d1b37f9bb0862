#include "rlab/text/prompt_file_task.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "rlab/core/check.h"

namespace rlab::data {

PromptFileTask::PromptFileTask(std::vector<PromptRecord> train, std::vector<PromptRecord> held_out,
                               std::string source, int64_t max_completion_chars)
    : train_(std::move(train)),
      held_out_(std::move(held_out)),
      source_(std::move(source)),
      max_completion_chars_(max_completion_chars) {
  RLAB_CHECK(!train_.empty(), "{}: no training prompts are left after the held-out split", source_);
  RLAB_CHECK(max_completion_chars_ >= 1, "{}: the completion limit must be >= 1, got {}", source_,
             max_completion_chars_);
  Index(train_);
  Index(held_out_);
}

void PromptFileTask::Index(const std::vector<PromptRecord>& records) {
  for (const PromptRecord& r : records) {
    const auto [it, added] = by_prompt_.emplace(r.prompt, &r.columns);
    RLAB_CHECK(added || it->second->values == r.columns.values,
               "{} and {}: the same prompt with different columns; a reward reading them could "
               "not tell which applies (merge or drop one of the records)",
               it->second->where, r.columns.where);
  }
}

TaskExample PromptFileTask::Sample(Rng& rng, TaskSplit split) const {
  const std::vector<PromptRecord>& records = split == TaskSplit::kTrain ? train_ : held_out_;
  RLAB_CHECK(!records.empty(), "{}: no held-out prompts (give an eval file or eval_fraction > 0)",
             source_);
  std::uniform_int_distribution<std::size_t> pick(0, records.size() - 1);
  const PromptRecord& r = records[pick(rng.engine())];
  const std::string* answer = r.columns.Find(kAnswerColumn);
  return {r.prompt, answer ? *answer : std::string()};
}

std::string PromptFileTask::SampleResponse(std::string_view, Rng&) const {
  RLAB_FAIL("{}: a prompt file holds no responses to pair; preference data needs a preference "
            "file or task:SPEC",
            source_);
}

double PromptFileTask::GoldReward(std::string_view, std::string_view) const { return std::nan(""); }

std::string PromptFileTask::Describe() const {
  return fmt::format("prompts({}, {} train, {} held out)", source_, train_.size(),
                     held_out_.size());
}

const PromptColumns* PromptFileTask::ColumnsOf(std::string_view prompt) const {
  const auto it = by_prompt_.find(prompt);
  return it == by_prompt_.end() ? nullptr : it->second;
}

}  // namespace rlab::data
