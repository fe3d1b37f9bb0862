// Preference pairs over a synthetic task's responses, labelled by its hidden judge (the task's
// gold preference: the gold reward's order on transitive tasks, a draw from P(a > b) where the
// judge is uncertain, as on the cyclic task): the stand-in for human comparisons in the
// reward-model, DPO and overoptimisation experiments. Label noise flips a share of the pairs,
// as the simulated annotators of Coste et al. ("Reward Model Ensembles Help Mitigate
// Overoptimization", arXiv:2310.02743) do with 25%.
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/text/preference_dataset.h"
#include "rlab/text/text_task.h"

namespace rlab::data {

struct TaskPreferenceOptions {
  int64_t pairs = 1000;
  double label_noise = 0.0;  // probability that a pair's label is flipped
  // Pairs whose gold rewards differ by at most this are redrawn (0: none for the gap; pairs the
  // judge ties are always redrawn).
  double min_gold_gap = 0.0;
  int64_t max_redraws = 100;  // per pair, before giving up with an error
  double rating_noise = 0.0;  // std of Gaussian noise on the ratings (score_chosen/_rejected)
  void Validate() const;
};

struct TaskPreferenceStats {
  int64_t flipped = 0;  // labels the noise flipped
  int64_t redrawn = 0;  // candidate pairs redrawn: tied by the judge, or too close in gold reward
};

// Pairs of responses to task prompts, the judge's choice first (unless flipped). Each record
// carries the gold rewards (plus rating noise) as score_chosen / score_rejected, and no margin;
// where the judge is not a reward (the cyclic task) the chosen one may have the lower score.
std::vector<PreferenceRecord> SampleTaskPreferences(const TextTask& task,
                                                    const TaskPreferenceOptions& options,
                                                    TaskSplit split, Rng& rng,
                                                    TaskPreferenceStats* stats = nullptr);

}  // namespace rlab::data
