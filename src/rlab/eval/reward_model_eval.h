// Scores held-out preference examples with a reward model and judges them
// (reward_model_metrics.h): each record's first response against every other one, with each
// response's scalar reward where the objective has one.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "rlab/text/preference_tokens.h"
#include "rlab/eval/reward_model_metrics.h"
#include "rlab/reward/model/rm_objective.h"

namespace rlab::eval {

// Head outputs [N, head_size] of a batch of sequences (ids, attention_mask [N, T]).
using RewardOutputsFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;

std::vector<RecordJudgement> JudgeExamples(const RewardOutputsFn& outputs,
                                           const reward::RewardModelObjective& objective,
                                           const std::vector<data::PreferenceExample>& examples,
                                           int64_t batch_size, int64_t pad_token_id);

}  // namespace rlab::eval
