// What `rlab rl` logs of a batch's process rewards (reward/signal/process_reward_source.h),
// after the outcome metrics, when the run has a process_reward source:
//   process_reward          mean reward of the rewarded tokens (the steps' last tokens)
//   process_steps           mean number of rewarded tokens per completion
//   process_repeated_steps  share of completions that repeat one of their steps word for word
//                           (a degenerate way to collect step rewards; on tasks with steps)
#pragma once

#include <string>
#include <vector>

#include "rlab/core/metrics.h"
#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/text/step_truth.h"

namespace rlab::rl {

// `steps` may be null (a task without steps): no process_repeated_steps then.
MetricList ProcessRewardMetrics(const reward::ProcessRewards& process,
                                const std::vector<std::string>& completions,
                                const data::StepTruth* steps);

// True when a step of `completion` is the same text as an earlier one.
bool RepeatsAStep(const data::StepTruth& steps, const std::string& completion);

}  // namespace rlab::rl
