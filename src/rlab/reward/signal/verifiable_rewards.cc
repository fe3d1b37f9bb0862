#include "rlab/reward/signal/verifiable_rewards.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cctype>
#include <regex>

#include "rlab/core/check.h"
#include "rlab/reward/signal/regex_reward.h"
#include "rlab/text/prompt_dataset.h"
#include "rlab/text/text_task.h"

namespace rlab::reward {

namespace {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

class ExactMatch : public VerifiableReward {
 public:
  ExactMatch(std::string eos, std::string column)
      : eos_(std::move(eos)), column_(std::move(column)) {}
  double Score(std::string_view prompt, std::string_view completion,
               const std::optional<std::string>& answer) const override {
    return ScoreRecord(prompt, completion, answer, nullptr);
  }
  double ScoreRecord(std::string_view, std::string_view completion,
                     const std::optional<std::string>& answer,
                     const data::PromptColumns* columns) const override {
    if (columns) return Matches(completion, columns->Get(column_, Describe()));
    RLAB_CHECK(column_ == data::kAnswerColumn,
               "{} reads a prompt file's column; a task's prompts have only their answer (drop "
               "column= or use data=FILE)",
               Describe());
    RLAB_CHECK(answer.has_value(), "exact_match needs the reference answer of every prompt");
    return Matches(completion, *answer);
  }
  bool NeedsAnswer() const override { return true; }
  std::string Describe() const override {
    return column_ == data::kAnswerColumn
               ? fmt::format("exact_match(eos=\"{}\")", eos_)
               : fmt::format("exact_match(eos=\"{}\", column={})", eos_, column_);
  }

 private:
  double Matches(std::string_view completion, std::string_view reference) const {
    return StripCompletion(completion, eos_) == TrimSpace(reference) ? 1.0 : 0.0;
  }
  std::string eos_, column_;
};

class FormatReward : public VerifiableReward {
 public:
  explicit FormatReward(std::string pattern) : pattern_(std::move(pattern)) {
    try {
      regex_ = std::regex(pattern_, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      RLAB_FAIL("format: '{}' is not a valid regular expression ({})", pattern_, e.what());
    }
  }
  double Score(std::string_view, std::string_view completion,
               const std::optional<std::string>&) const override {
    return std::regex_match(completion.begin(), completion.end(), regex_) ? 1.0 : 0.0;
  }
  bool NeedsAnswer() const override { return false; }
  std::string Describe() const override { return fmt::format("format(regex=\"{}\")", pattern_); }

 private:
  std::string pattern_;
  std::regex regex_;
};

class TaskReward : public VerifiableReward {
 public:
  explicit TaskReward(const std::string& spec) : task_(data::MakeTextTask(spec)) {}
  double Score(std::string_view prompt, std::string_view completion,
               const std::optional<std::string>&) const override {
    return task_->GoldReward(prompt, completion);
  }
  bool NeedsAnswer() const override { return false; }
  std::string Describe() const override { return fmt::format("task(spec={})", task_->Describe()); }

 private:
  std::unique_ptr<data::TextTask> task_;
};

}  // namespace

std::string_view StripCompletion(std::string_view text, std::string_view eos) {
  text = TrimSpace(text);
  if (!eos.empty() && text.size() >= eos.size() && text.substr(text.size() - eos.size()) == eos) {
    text = TrimSpace(text.substr(0, text.size() - eos.size()));
  }
  return text;
}

VerifiableRewardRegistry& VerifiableRewards() {
  static VerifiableRewardRegistry registry("verifiable reward");
  return registry;
}

void RegisterVerifiableRewards() {
  VerifiableRewardRegistry& reg = VerifiableRewards();
  if (!RegisterOnce(reg)) return;
  reg.Register({"exact_match",
                "1 if the stripped completion equals the reference answer, else 0",
                {{"eos", "<|endoftext|>", "end-of-sequence text removed from the end (\"\": none)"},
                 {"column", std::string(data::kAnswerColumn),
                  "a prompt file's column holding the reference answer"}},
                [](const SpecArgs& a) -> std::unique_ptr<VerifiableReward> {
                  return std::make_unique<ExactMatch>(a.Get<std::string>("eos"),
                                                      a.Get<std::string>("column"));
                }});
  reg.Register({"format",
                "1 if the whole completion matches a regular expression, else 0",
                {{"regex", std::nullopt, "ECMAScript pattern the completion must match in full"}},
                [](const SpecArgs& a) -> std::unique_ptr<VerifiableReward> {
                  return std::make_unique<FormatReward>(a.Get<std::string>("regex"));
                }});
  reg.Register({"task",
                "the gold reward of a synthetic text task for the prompt",
                {{"spec", "arithmetic", "the text task, e.g. arithmetic(digits=3)"}},
                [](const SpecArgs& a) -> std::unique_ptr<VerifiableReward> {
                  return std::make_unique<TaskReward>(a.Get<std::string>("spec"));
                }});
  RegisterRegexReward(reg);
}

std::unique_ptr<VerifiableReward> MakeVerifiableReward(std::string_view spec) {
  RegisterVerifiableRewards();
  return VerifiableRewards().Create(spec);
}

torch::Tensor ScoreBatch(const VerifiableReward& reward, const std::vector<std::string>& prompts,
                         const std::vector<std::string>& completions,
                         const std::vector<std::optional<std::string>>& answers,
                         const std::vector<const data::PromptColumns*>& columns) {
  RLAB_CHECK(prompts.size() == completions.size(), "{}: {} prompts for {} completions",
             reward.Describe(), prompts.size(), completions.size());
  RLAB_CHECK(answers.empty() || answers.size() == prompts.size(), "{}: {} answers for {} prompts",
             reward.Describe(), answers.size(), prompts.size());
  RLAB_CHECK(columns.empty() || columns.size() == prompts.size(), "{}: {} records for {} prompts",
             reward.Describe(), columns.size(), prompts.size());
  RLAB_CHECK(!reward.NeedsAnswer() || !answers.empty() || !columns.empty(),
             "{} needs a reference answer for every prompt; none were given", reward.Describe());
  std::vector<float> scores(prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) {
    scores[i] = static_cast<float>(reward.ScoreRecord(prompts[i], completions[i],
                                                      answers.empty() ? std::nullopt : answers[i],
                                                      columns.empty() ? nullptr : columns[i]));
  }
  return torch::tensor(scores, torch::kFloat32);
}

}  // namespace rlab::reward
