// Rule-based ("verifiable") rewards of a completion, as a registry of specs, for RL with
// verifiable rewards (the accuracy and format rewards of DeepSeek-R1, Guo et al.,
// arXiv:2501.12948; the exact-match reward of DeepSeekMath's GRPO, Shao et al.,
// arXiv:2402.03300):
//   exact_match(eos=..., column=answer)
//                         1 if the completion equals the reference answer once both are
//                         stripped of surrounding whitespace and the completion of one
//                         trailing end-of-sequence text (`eos`, "" for none), else 0; on a
//                         prompt file the reference is the record's `column`
//   regex(pattern=... | column=...)
//                         1 if the completion contains a match of the pattern, given in the
//                         spec or read from the record's column (regex_reward.h), else 0
//   format(regex=...)     1 if the whole completion matches the ECMAScript regular expression
//                         (std::regex_match; "." does not cross newlines), else 0. Quote a
//                         pattern with commas: format(regex="^\d{1,3}(,\d{3})*$")
//   task(spec=...)        the gold reward of a synthetic text task (text/text_task.h)
//                         for the prompt, e.g. task(spec=arithmetic(digits=3)); needs no
//                         answer since the task knows it from the prompt
#pragma once

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/registry.h"

namespace rlab::data {
struct PromptColumns;
}

namespace rlab::reward {

class VerifiableReward {
 public:
  virtual ~VerifiableReward() = default;
  // `answer` is the reference answer of the prompt; a reward that needs one fails without.
  virtual double Score(std::string_view prompt, std::string_view completion,
                       const std::optional<std::string>& answer) const = 0;
  // The same with the prompt's record in a prompt file (`columns`; nullptr for a task's
  // prompt), which rewards that read a column use; the others ignore it.
  virtual double ScoreRecord(std::string_view prompt, std::string_view completion,
                             const std::optional<std::string>& answer,
                             const data::PromptColumns* /*columns*/) const {
    return Score(prompt, completion, answer);
  }
  virtual bool NeedsAnswer() const = 0;
  virtual std::string Describe() const = 0;
};

using VerifiableRewardRegistry = Registry<VerifiableReward>;
VerifiableRewardRegistry& VerifiableRewards();
void RegisterVerifiableRewards();  // safe to call more than once
std::unique_ptr<VerifiableReward> MakeVerifiableReward(std::string_view spec);

// The rewards of N completions [N] float32. `answers` and `columns` are empty or have one entry
// per prompt.
torch::Tensor ScoreBatch(const VerifiableReward& reward, const std::vector<std::string>& prompts,
                         const std::vector<std::string>& completions,
                         const std::vector<std::optional<std::string>>& answers = {},
                         const std::vector<const data::PromptColumns*>& columns = {});

// The text exact_match compares: `text` without surrounding whitespace and, where it ends with
// `eos` (non-empty), without that and the whitespace before it.
std::string_view StripCompletion(std::string_view text, std::string_view eos);

}  // namespace rlab::reward
