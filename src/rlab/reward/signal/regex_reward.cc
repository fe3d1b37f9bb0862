#include "rlab/reward/signal/regex_reward.h"

#include <fmt/format.h>

#include <regex>

#include "rlab/core/check.h"
#include "rlab/text/prompt_dataset.h"

namespace rlab::reward {

namespace {

std::regex CompilePattern(const std::string& pattern, std::string_view where) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    RLAB_FAIL("{}: '{}' is not a valid regular expression ({})", where, pattern, e.what());
  }
}

bool Contains(std::string_view completion, const std::regex& pattern) {
  return std::regex_search(completion.begin(), completion.end(), pattern);
}

class RegexReward : public VerifiableReward {
 public:
  RegexReward(std::string pattern, std::string column)
      : pattern_(std::move(pattern)), column_(std::move(column)) {
    RLAB_CHECK(pattern_.empty() != column_.empty(),
               "regex takes a pattern (regex(pattern=\"...\")) or a column holding one "
               "(regex(column=NAME)), exactly one of them");
    if (!pattern_.empty()) fixed_ = CompilePattern(pattern_, "regex");
  }
  double Score(std::string_view prompt, std::string_view completion,
               const std::optional<std::string>& answer) const override {
    return ScoreRecord(prompt, completion, answer, nullptr);
  }
  double ScoreRecord(std::string_view, std::string_view completion,
                     const std::optional<std::string>&,
                     const data::PromptColumns* columns) const override {
    if (column_.empty()) return Contains(completion, fixed_) ? 1.0 : 0.0;
    RLAB_CHECK(columns != nullptr,
               "{} reads a prompt file's column; a task's prompts have none (use data=FILE or "
               "regex(pattern=...))",
               Describe());
    const std::string where = fmt::format("{}: column '{}'", columns->where, column_);
    return Contains(completion, CompilePattern(columns->Get(column_, Describe()), where)) ? 1.0
                                                                                          : 0.0;
  }
  bool NeedsAnswer() const override { return false; }
  std::string Describe() const override {
    return column_.empty() ? fmt::format("regex(pattern=\"{}\")", pattern_)
                           : fmt::format("regex(column={})", column_);
  }

 private:
  std::string pattern_, column_;
  std::regex fixed_;
};

}  // namespace

void RegisterRegexReward(VerifiableRewardRegistry& registry) {
  registry.Register(
      {"regex",
       "1 if the completion contains a match of a pattern (in the spec or a column), else 0",
       {{"pattern", "", "ECMAScript pattern searched for in the completion"},
        {"column", "", "a prompt file's column holding each record's pattern"}},
       [](const SpecArgs& a) -> std::unique_ptr<VerifiableReward> {
         return std::make_unique<RegexReward>(a.Get<std::string>("pattern"),
                                              a.Get<std::string>("column"));
       }});
}

}  // namespace rlab::reward
