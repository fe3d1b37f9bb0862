#include "rlab/pipeline/lm/prompt_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/text/split.h"
#include "rlab/text/tokenizer/chat_template.h"

namespace rlab::pipeline {

namespace {

constexpr int64_t kDefaultCompletionChars = 128;

bool IsPromptFile(const std::string& data) {
  return data.ends_with(".jsonl") || data.ends_with(".json");
}

// The longest `answer` column when every record has one, else the default.
int64_t CompletionLimit(const std::vector<data::PromptRecord>& records) {
  int64_t longest = 0;
  for (const data::PromptRecord& r : records) {
    const std::string* answer = r.columns.Find(data::kAnswerColumn);
    if (!answer) return kDefaultCompletionChars;
    longest = std::max<int64_t>(longest, static_cast<int64_t>(answer->size()));
  }
  return std::max<int64_t>(longest, 1);
}

}  // namespace

void PromptFileOptions::Validate(const std::string& data) const {
  RLAB_CHECK(IsTaskSource(data) || IsPromptFile(data),
             "data must be task:SPEC or a prompt file (.jsonl or .json, records {{\"prompt\": "
             "...}}), got '{}'",
             data);
  RLAB_CHECK(eval_fraction >= 0 && eval_fraction < 1, "eval_fraction must be in [0, 1), got {}",
             eval_fraction);
  RLAB_CHECK(eval_data.empty() || IsPromptFile(eval_data),
             "eval_data must be a prompt file (.jsonl or .json), got '{}'", eval_data);
  RLAB_CHECK(eval_data.empty() || !IsTaskSource(data),
             "eval_data is for a prompt file; task:SPEC evaluates on the task's test split");
}

std::unique_ptr<data::TextTask> OpenPromptSource(const std::string& data,
                                                 const PromptFileOptions& options,
                                                 const models::Tokenizer& tokenizer,
                                                 int64_t max_new_tokens, uint64_t seed) {
  if (IsTaskSource(data)) return data::MakeTextTask(data.substr(kTaskSourcePrefix.size()));
  const auto chat = models::MakeChatTemplate(options.chat_template == "auto"
                                                 ? models::GuessChatTemplate(tokenizer)
                                                 : options.chat_template);
  std::vector<data::PromptRecord> train = data::ReadPromptRecords(data, *chat);
  std::vector<data::PromptRecord> held_out;
  if (!options.eval_data.empty()) {
    held_out = data::ReadPromptRecords(options.eval_data, *chat);
  } else if (options.eval_fraction > 0) {
    data::SplitHeldOut(train, held_out, options.eval_fraction, DeriveSeed(seed, "eval-split"));
  }
  RLAB_CHECK(!held_out.empty(),
             "{}: no held-out prompts ({} records, eval_fraction {}); give eval_data or a larger "
             "eval_fraction",
             data, train.size(), options.eval_fraction);
  std::vector<data::PromptRecord> all = train;
  all.insert(all.end(), held_out.begin(), held_out.end());
  const int64_t limit = max_new_tokens > 0 ? max_new_tokens : CompletionLimit(all);
  spdlog::info("{}: {} training and {} held-out prompts; completions up to {}", data, train.size(),
               held_out.size(), limit);
  return std::make_unique<data::PromptFileTask>(std::move(train), std::move(held_out), data, limit);
}

HeldOutPrompts DrawHeldOutPrompts(const data::TextTask& task, int64_t n, uint64_t seed) {
  HeldOutPrompts h;
  if (const data::PromptFileTask* file = AsPromptFile(task)) {
    const auto& records = file->held_out();
    for (std::size_t i = 0; i < records.size() && static_cast<int64_t>(i) < n; ++i) {
      const std::string* answer = records[i].columns.Find(data::kAnswerColumn);
      h.prompts.push_back(records[i].prompt);
      h.answers.push_back(answer ? std::optional<std::string>(*answer) : std::nullopt);
    }
    return h;
  }
  Rng rng(DeriveSeed(seed, "eval-prompts"));
  for (int64_t i = 0; i < n; ++i) {
    data::TaskExample e = task.Sample(rng, data::TaskSplit::kTest);
    h.prompts.push_back(std::move(e.prompt));
    h.answers.emplace_back(std::move(e.completion));
  }
  return h;
}

std::vector<Sample> EvaluationSamples(const eval::TaskEvalResult& result,
                                      const data::TextTask& task) {
  std::vector<Sample> samples = TaskEvalSamples(result);
  if (!task.HasGoldReward()) {
    for (Sample& s : samples) s.gold.reset();
  }
  return samples;
}

const data::PromptFileTask* AsPromptFile(const data::TextTask& task) {
  return dynamic_cast<const data::PromptFileTask*>(&task);
}

data::PromptColumnLookup PromptColumnsOf(const data::TextTask& task) {
  const data::PromptFileTask* file = AsPromptFile(task);
  if (!file) return {};
  return [file](std::string_view prompt) { return file->ColumnsOf(prompt); };
}

std::vector<std::string> BindTaskReward(std::vector<std::string> specs, const std::string& data) {
  for (std::string& s : specs) {
    if (s != "task") continue;
    RLAB_CHECK(IsTaskSource(data),
               "reward 'task' is the gold reward of task:SPEC, and {} is a prompt file; name its "
               "reward sources, e.g. reward=[\"model(path=DIR)\"] or "
               "reward=[\"exact_match(column=answer)\"] (also regex(...), format(...))",
               data);
    s = "task(spec=\"" + data.substr(kTaskSourcePrefix.size()) + "\")";
  }
  return specs;
}

}  // namespace rlab::pipeline
