#include "rlab/eval/reward_model_predictions.h"

#include <algorithm>

namespace rlab::eval {

nlohmann::ordered_json PredictionLine(const RecordJudgement& judged, int64_t index, bool truncated,
                                      const std::string& where) {
  const double margin = *std::min_element(judged.logits.begin(), judged.logits.end());
  nlohmann::ordered_json line;
  line["index"] = index;
  if (!judged.subset.empty()) line["subset"] = judged.subset;
  const bool scored = !judged.scores.empty();
  line["chosen_score"] = scored ? nlohmann::ordered_json(judged.scores.front()) : nullptr;
  line["rejected_score"] = scored ? nlohmann::ordered_json(*std::max_element(
                                        judged.scores.begin() + 1, judged.scores.end()))
                                  : nullptr;
  line["margin"] = margin;
  line["correct"] = judged.tie ? nlohmann::ordered_json() : nlohmann::ordered_json(margin > 0);
  line["truncated"] = truncated;
  if (judged.tie) line["tie"] = true;
  if (scored && judged.scores.size() > 2) {
    line["rejected_scores"] = std::vector<double>(judged.scores.begin() + 1, judged.scores.end());
  }
  line["where"] = where;
  return line;
}

}  // namespace rlab::eval
