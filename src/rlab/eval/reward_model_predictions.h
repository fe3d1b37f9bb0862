// eval-rm's predictions.jsonl: one line per judged record, so that any figure of the summary
// can be recomputed, sliced or plotted without running the model again:
//   {"index": record's position in the data (0-based), "subset": (when it has one),
//    "chosen_score": chosen's reward, "rejected_score": the best rejected response's reward,
//    "margin": logit of P(chosen > rejected) (the worst comparison for best-of-N),
//    "correct": margin > 0, "truncated": a sequence was cut to max_length,
//    "where": "file:line"}
// Scores are null where the objective has no scalar reward (gpm); tie records have "tie": true
// and "correct": null (they do not count towards accuracy); best-of-N records add
// "rejected_scores" with every rejected response's reward.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "rlab/eval/reward_model_metrics.h"

namespace rlab::eval {

nlohmann::ordered_json PredictionLine(const RecordJudgement& judged, int64_t index, bool truncated,
                                      const std::string& where);

}  // namespace rlab::eval
