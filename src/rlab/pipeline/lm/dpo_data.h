// The data of a preference-optimisation run (rlab dpo): preference records from a file in
// TRL's formats, a task's gold-labelled pairs, or unpaired feedback (KTO's `label` records),
// tokenized for the policy and arranged in the units the loss family trains on
// (prefopt/policy_units.h). Records the family cannot use are counted, never dropped silently.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/preference_dataset.h"
#include "rlab/text/unpaired_feedback.h"
#include "rlab/text/tokenizer/tokenizer.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/prefopt/policy_units.h"

namespace rlab::pipeline {

// One of the two is filled: preference records, or unpaired feedback from a `label` file.
struct PolicyRecords {
  std::vector<data::PreferenceRecord> preferences;
  std::vector<data::UnpairedRecord> unpaired;
  bool empty() const { return preferences.empty() && unpaired.empty(); }
};

PolicyRecords ReadPolicyRecords(const PreferenceSource& source, const models::Tokenizer& tokenizer,
                                data::TaskSplit split, uint64_t seed);

// Moves a deterministic share of `train` into `held_out` (text/split.h).
void SplitPolicyRecords(PolicyRecords& train, PolicyRecords& held_out, double fraction,
                        uint64_t seed);

// The units of `records` for `family`. Counts of ties, cut, dropped and skipped records go to
// `report` as "<what>_ties", "<what>_truncated", "<what>_dropped", "<what>_skipped", and the
// units' count as "<what>_units".
prefopt::PolicyTrainingSet BuildPolicyTrainingSet(const PolicyRecords& records,
                                                  prefopt::PolicyLossFamily family,
                                                  const models::Tokenizer& tokenizer,
                                                  int64_t max_length, std::string_view what,
                                                  nlohmann::json& report);

}  // namespace rlab::pipeline
