#include "rlab/text/task_preferences.h"

#include <cmath>
#include <utility>

#include "rlab/core/check.h"

namespace rlab::data {

void TaskPreferenceOptions::Validate() const {
  RLAB_CHECK(pairs >= 0, "task preferences: pairs must be >= 0, got {}", pairs);
  RLAB_CHECK(label_noise >= 0 && label_noise <= 1,
             "task preferences: label_noise must be in [0, 1], got {}", label_noise);
  RLAB_CHECK(min_gold_gap >= 0 && rating_noise >= 0 && max_redraws >= 1,
             "task preferences: min_gold_gap and rating_noise must be >= 0, max_redraws >= 1");
}

std::vector<PreferenceRecord> SampleTaskPreferences(const TextTask& task,
                                                    const TaskPreferenceOptions& options,
                                                    TaskSplit split, Rng& rng,
                                                    TaskPreferenceStats* stats) {
  options.Validate();
  TaskPreferenceStats local;
  std::vector<PreferenceRecord> records;
  records.reserve(options.pairs);
  for (int64_t i = 0; i < options.pairs; ++i) {
    const TaskExample example = task.Sample(rng, split);
    std::string a, b;
    double gold_a = 0, gold_b = 0, a_wins = 0.5;
    for (int64_t attempt = 0;; ++attempt) {
      RLAB_CHECK(attempt < options.max_redraws,
                 "task preferences: {} draws for prompt '{}' gave no two responses that the "
                 "judge does not tie and whose gold rewards differ by more than {}",
                 options.max_redraws, example.prompt, options.min_gold_gap);
      a = task.SampleResponse(example.prompt, rng);
      b = task.SampleResponse(example.prompt, rng);
      gold_a = task.GoldReward(example.prompt, a);
      gold_b = task.GoldReward(example.prompt, b);
      a_wins = task.GoldPreference(example.prompt, a, b);
      // A pair the judge ties (P = 1/2: an exact gold tie, or two answers of one type) has no
      // right label; it is always redrawn.
      const bool apart =
          options.min_gold_gap == 0 || std::abs(gold_a - gold_b) > options.min_gold_gap;
      if (apart && a_wins != 0.5) break;
      ++local.redrawn;
    }
    // The judge's verdict: certain where the preference follows a gold reward (no draw is
    // taken, so such tasks keep the pairs of ordering by the reward), else a Bernoulli draw.
    const bool a_chosen = a_wins >= 1 || (a_wins > 0 && rng.Uniform() < a_wins);
    if (!a_chosen) {
      std::swap(a, b);
      std::swap(gold_a, gold_b);
    }
    if (rng.Uniform() < options.label_noise) {
      std::swap(a, b);
      std::swap(gold_a, gold_b);
      ++local.flipped;
    }
    PreferenceRecord r;
    r.prompt = example.prompt;
    r.responses = {std::move(a), std::move(b)};
    r.score_chosen = gold_a + options.rating_noise * rng.Normal();
    r.score_rejected = gold_b + options.rating_noise * rng.Normal();
    r.where = "task pair " + std::to_string(i);
    records.push_back(std::move(r));
  }
  if (stats) *stats = local;
  return records;
}

}  // namespace rlab::data
