#include "rlab/prefopt/policy_units.h"

#include <algorithm>

#include "rlab/core/check.h"

namespace rlab::prefopt {

std::string_view FamilyName(PolicyLossFamily family) {
  switch (family) {
    case PolicyLossFamily::kPairwise: return "pairwise";
    case PolicyLossFamily::kRanking: return "ranking";
    case PolicyLossFamily::kUnpaired: return "unpaired";
  }
  return "?";
}

namespace {

// Appends the example's responses to the set; returns the index of the first.
int64_t AddResponses(PolicyTrainingSet& set, const data::PolicyPreferenceExample& e) {
  const auto first = static_cast<int64_t>(set.sequences.size());
  set.sequences.insert(set.sequences.end(), e.responses.begin(), e.responses.end());
  return first;
}

}  // namespace

PolicyTrainingSet PairwiseUnits(const std::vector<data::PolicyPreferenceExample>& examples) {
  PolicyTrainingSet set;
  for (const auto& e : examples) {
    const int64_t first = AddResponses(set, e);
    const auto k = static_cast<int64_t>(e.responses.size());
    // A ranking orders every pair; a best-of-N record only says the first beats each other.
    for (int64_t i = 0; i < (e.ranked ? k - 1 : 1); ++i) {
      for (int64_t j = i + 1; j < k; ++j) {
        set.units.push_back({{first + i, first + j}, true, k == 2 ? e.margin : std::nullopt});
      }
    }
  }
  return set;
}

PolicyTrainingSet RankingUnits(const std::vector<data::PolicyPreferenceExample>& examples) {
  PolicyTrainingSet set;
  for (const auto& e : examples) {
    if (!e.ranked && e.responses.size() > 2) {
      ++set.skipped;  // the rejected answers of best-of-N have no order among themselves
      continue;
    }
    const int64_t first = AddResponses(set, e);
    PolicyUnit unit;
    for (std::size_t i = 0; i < e.responses.size(); ++i) unit.sequences.push_back(first + i);
    set.units.push_back(std::move(unit));
  }
  return set;
}

PolicyTrainingSet UnpairedUnits(const std::vector<data::SftExample>& completions,
                                const std::vector<bool>& desirable, int64_t max_length) {
  RLAB_CHECK(completions.size() == desirable.size(), "unpaired units: {} completions, {} labels",
             completions.size(), desirable.size());
  RLAB_CHECK(completions.size() >= 2,
             "unpaired feedback needs at least two completions for "
             "KTO's reference point, got {}",
             completions.size());
  PolicyTrainingSet set;
  set.sequences = completions;
  const auto n = static_cast<int64_t>(completions.size());
  for (int64_t i = 0; i < n; ++i) {
    const data::SftExample& own = completions[i];
    const data::SftExample& other = completions[(i + 1) % n];
    data::SftExample mismatched;
    for (std::size_t t = 0; t < own.ids.size() && !own.trained[t]; ++t) {
      mismatched.ids.push_back(own.ids[t]);
      mismatched.trained.push_back(0);
    }
    for (std::size_t t = 0; t < other.ids.size(); ++t) {
      if (!other.trained[t]) continue;
      mismatched.ids.push_back(other.ids[t]);
      mismatched.trained.push_back(1);
    }
    const auto keep = std::min<std::size_t>(mismatched.ids.size(), max_length);
    mismatched.ids.resize(keep);
    mismatched.trained.resize(keep);
    if (!mismatched.trained.empty()) mismatched.trained[0] = 0;
    set.sequences.push_back(std::move(mismatched));
    set.units.push_back({{i, n + i}, desirable[i]});
  }
  return set;
}

}  // namespace rlab::prefopt
