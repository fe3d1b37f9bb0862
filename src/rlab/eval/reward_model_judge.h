// A text reward model judged on held-out preference examples, as train-rm and eval-rm report
// it: the figures of reward_model_metrics.h for one model's (or an ensemble's mean) outputs,
// and each ensemble member's accuracy.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

#include "rlab/eval/reward_model_eval.h"
#include "rlab/models/transformer/sequence_reward_model.h"

namespace rlab::eval {

RewardModelReport JudgeRewardModel(const RewardOutputsFn& outputs,
                                   const reward::RewardModelObjective& objective,
                                   const std::vector<data::PreferenceExample>& examples,
                                   int64_t batch_size, int64_t pad_token_id);

// Each member's accuracy (the members as they are, in eval mode): a JSON array of K numbers,
// or of K nulls when there is no example.
nlohmann::json MemberAccuracies(std::vector<models::SequenceRewardModel>& members,
                                const reward::RewardModelObjective& objective,
                                const std::vector<data::PreferenceExample>& examples,
                                int64_t batch_size, int64_t pad_token_id);

}  // namespace rlab::eval
