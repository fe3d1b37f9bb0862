// "Did you mean": the valid names nearest to a misspelt one. Config keys, command-line flags
// and subcommands all suggest through here, so they agree on what counts as a likely typo.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rlab {

// Edit distance with adjacent transpositions ("trian" is one edit from "train").
size_t EditDistance(std::string_view a, std::string_view b);

// How far a typed word is from a valid name.
using NameDistance = size_t (*)(std::string_view typed, std::string_view name);

// The largest distance still taken for a typo of `typed`: half its length, at least 2.
size_t TypoDistanceFor(std::string_view typed);

// The names of `names` nearest to `typed` (ties all kept, in the order given), if the nearest
// is at most `near_enough` away; empty otherwise.
std::vector<std::string> ClosestNames(std::string_view typed, const std::vector<std::string>& names,
                                      size_t near_enough, NameDistance distance = EditDistance);

// Distance between dotted config keys ("run.dir", "run.out_dir"): the edit distance, or 1 when
// both are in the same section and the typed key's last part (3 characters or more) is part of
// the other's ("dir" of "out_dir").
size_t KeyDistance(std::string_view typed, std::string_view key);

// " (did you mean 'run.out_dir'?)" for the keys of `keys` nearest to `typed`, or "".
std::string DidYouMeanKey(std::string_view typed, const std::vector<std::string>& keys);

}  // namespace rlab
