// Repeated records in a preference dataset. A duplicate is a record with the same prompt and
// the same responses in the same order as an earlier one (it weighs that comparison twice); a
// contradictory duplicate is a pair whose chosen and rejected are an earlier pair's rejected
// and chosen (the two labels cancel). A tie has no order, so a pair repeated in swapped order
// with a tie on either side is a plain duplicate.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "rlab/text/preference_dataset.h"

namespace rlab::data {

// (first index, duplicate index) for every record that repeats an earlier one; `first` is the
// earliest record of the group, so a record repeated three times gives (i, j) and (i, k).
std::vector<std::pair<std::size_t, std::size_t>> FindDuplicatePreferences(
    const std::vector<PreferenceRecord>& records);

// (first index, contradicting index): two strict (non-tie) pairs with the same prompt and the
// responses swapped.
std::vector<std::pair<std::size_t, std::size_t>> FindContradictoryPreferences(
    const std::vector<PreferenceRecord>& records);

}  // namespace rlab::data
