// Where the rewards of generated text come from in RL for language models: a weighted sum of
// sources, each a spec,
//   exact_match(column=..), regex(pattern=..|column=..), format(regex=...), task(spec=...)
//                                                    rule-based (verifiable_rewards.h); on a
//                                                    prompt file a rule reads the columns of
//                                                    the prompt's record (text/prompt_dataset.h)
//   model(path=DIR, aggregate=mean|wco|uwo(lambda=..), max_length=512)
//                                                    a reward model or ensemble
//                                                    (text_reward_model.h); an ensemble's
//                                                    members are combined by an aggregation of
//                                                    ensemble_aggregation.h
//   python(name=NAME)                                a function the host registered for the
//                                                    run (external_rewards.h), e.g. from
//                                                    rewardlab.run(reward_functions=...)
//   remote(url=URL, timeout=30, retries=3, backoff=0.5)
//                                                    a server with OpenRLHF's remote reward
//                                                    interface, e.g. rlab serve-rm
//                                                    (remote_reward.h)
// Every source's own rewards are kept beside the total, and a reward model's per-member
// rewards too, so that a run can log them and the overoptimisation lab can compare them.
#pragma once

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rlab/text/prompt_dataset.h"

namespace rlab::reward {

struct TextRewards {
  torch::Tensor total;                                       // [N] float32
  std::vector<std::pair<std::string, torch::Tensor>> parts;  // per source, [N]
  torch::Tensor members;  // [K, N] of the first reward-model source; undefined without one
};

class TextRewardSource {
 public:
  // `specs` and `weights` (empty: all 1) of equal length. `columns` finds the record of a
  // prompt from a prompt file, for rules that read a column; empty for a task's prompts.
  TextRewardSource(const std::vector<std::string>& specs, std::vector<double> weights,
                   data::PromptColumnLookup columns = {});
  ~TextRewardSource();
  TextRewardSource(TextRewardSource&&) noexcept;

  // `answers` are the prompts' reference answers where a source needs them (exact_match).
  TextRewards Score(const std::vector<std::string>& prompts,
                    const std::vector<std::string>& completions,
                    const std::vector<std::optional<std::string>>& answers = {}) const;
  std::string Describe() const;

 private:
  struct Source;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<double> weights_;
  data::PromptColumnLookup columns_;
};

}  // namespace rlab::reward
