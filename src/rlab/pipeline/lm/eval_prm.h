// eval-rm on a process reward model (train-prm's reward_model): the model scores every step of
// held-out step data (a step file, or completions drawn from a task with steps) and is judged
// by step accuracy and ProcessBench's first-error F1 (eval/process_reward_metrics.h). On a
// task, each prompt gets `best_of_n` completions and the PRM picks one by each aggregation of
// reward/signal/prm_aggregation.h (min, product, last, mean): the gold metric of the pick
// against that of a single completion (best_of_n/start) and of an oracle that knows the gold
// (best_of_n/oracle). An outcome reward model trained on the same completions
// (train-prm supervision=outcome) judged the same way is outcome-only selection.
#pragma once

#include <nlohmann/json.hpp>

#include "rlab/pipeline/lm/eval_rm.h"
#include "rlab/pipeline/run/run_context.h"

namespace rlab::pipeline {

nlohmann::json EvaluateProcessRewardModel(const EvalRmConfig& config, RunContext& ctx);

}  // namespace rlab::pipeline
