// What `rlab rl` logs of a batch's process rewards (reward/signal/process_reward_source.h),
// after the outcome metrics, when the run has a process_reward source:
//   process_reward          mean reward of the rewarded tokens (the steps' last tokens)
//   process_steps           mean number of rewarded tokens per completion
//   process_degenerate      share of degenerate completions, ways to collect step rewards
//                           without solving more (on tasks with steps): one that repeats a
//                           step word for word, or writes more steps than the task's reference
//                           solution of its prompt (padding)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rlab/core/metrics.h"
#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/text/step_truth.h"

namespace rlab::rl {

// `steps` may be null (a task without steps): no process_degenerate then. `references` [N]
// are the task's reference solutions (none for a prompt file: repeats alone count).
MetricList ProcessRewardMetrics(const reward::ProcessRewards& process,
                                const std::vector<std::string>& completions,
                                const std::vector<std::optional<std::string>>& references,
                                const data::StepTruth* steps);

// True when a step of `completion` is the same text as an earlier one, or when it has more
// steps than `reference` (where given).
bool IsDegenerate(const data::StepTruth& steps, const std::string& completion,
                  const std::optional<std::string>& reference);

}  // namespace rlab::rl
