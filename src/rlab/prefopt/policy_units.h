// The training material of a preference-optimisation run (rlab dpo), flattened: every sequence
// the policy scores, once, and the units a batch is drawn from. A unit names the sequences one
// term of the loss reads, so that the reference log-probs can be computed once per sequence
// and a batch's sequences go through the policy in one forward pass.
//   pairwise  {chosen, rejected}: a pair; best-of-N records give the chosen against each
//             rejected answer, rankings every ordered pair (DPO and its relatives)
//   ranking   the responses best first: rankings, and pairs as rankings of two (PRO)
//   unpaired  {completion, mismatched}: one labelled completion and, for KTO's reference
//             point, the next unit's completion after this unit's prompt (a fixed pairing, so
//             its reference log-prob is cached like the others)
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rlab/text/policy_preferences.h"
#include "rlab/text/sft_dataset.h"

namespace rlab::prefopt {

enum class PolicyLossFamily { kPairwise, kRanking, kUnpaired };
std::string_view FamilyName(PolicyLossFamily family);

struct PolicyUnit {
  std::vector<int64_t> sequences;  // indices into PolicyTrainingSet::sequences
  bool desirable = true;           // unpaired units: the label
  std::optional<double> margin;    // pairs of a two-response record: its reward margin, if any
};

struct PolicyTrainingSet {
  std::vector<data::SftExample> sequences;
  std::vector<PolicyUnit> units;
  int64_t skipped = 0;  // records the family cannot use (best-of-N records for ranking)
};

PolicyTrainingSet PairwiseUnits(const std::vector<data::PolicyPreferenceExample>& examples);
PolicyTrainingSet RankingUnits(const std::vector<data::PolicyPreferenceExample>& examples);

// `completions` are prompt + completion sequences (the SFT layout: trained marks the
// completion); mismatched sequences are cut to max_length. Needs at least two completions.
PolicyTrainingSet UnpairedUnits(const std::vector<data::SftExample>& completions,
                                const std::vector<bool>& desirable, int64_t max_length);

}  // namespace rlab::prefopt
