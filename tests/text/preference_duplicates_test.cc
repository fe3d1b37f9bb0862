// Repeated and contradictory preference records.
#include <gtest/gtest.h>

#include "rlab/text/preference_duplicates.h"

namespace rlab::data {
namespace {

using Pairs = std::vector<std::pair<std::size_t, std::size_t>>;

PreferenceRecord Make(std::string prompt, std::vector<std::string> responses, bool tie = false) {
  PreferenceRecord r;
  r.prompt = std::move(prompt);
  r.responses = std::move(responses);
  r.tie = tie;
  return r;
}

TEST(PreferenceDuplicates, RepeatsAndSwaps) {
  const std::vector<PreferenceRecord> records = {
      Make("p", {"a", "b"}),        // 0
      Make("p", {"b", "a"}),        // 1 contradicts 0
      Make("p", {"a", "b"}),        // 2 repeats 0
      Make("q", {"a", "b"}),        // 3 another prompt
      Make("p", {"a", "b", "c"}),   // 4 a ranking
      Make("p", {"a", "b", "c"}),   // 5 repeats 4
      Make("p", {"c", "b", "a"}),   // 6 a reversed ranking is no contradiction of a pair
      Make("p", {"c", "d"}, true),  // 7 a tie
      Make("p", {"d", "c"}, true),  // 8 the same tie in the other order: a repeat
      Make("p", {"e", "f"}, true),  // 9 a tie ...
      Make("p", {"f", "e"}),        // 10 ... and a preference over the same pair: a repeat
      Make("p", {"a", "b"}),        // 11 repeats 0 again
      Make("p", {"ab", "c"}),       // 12 different split of the same characters
      Make("p", {"a", "bc"}),       // 13
  };
  EXPECT_EQ(FindDuplicatePreferences(records), (Pairs{{0, 2}, {4, 5}, {7, 8}, {9, 10}, {0, 11}}));
  EXPECT_EQ(FindContradictoryPreferences(records), (Pairs{{0, 1}}));
  // A later repeat of the contradicting order belongs to that order's group.
  const std::vector<PreferenceRecord> more = {Make("p", {"a", "b"}), Make("p", {"b", "a"}),
                                              Make("p", {"b", "a"})};
  EXPECT_EQ(FindDuplicatePreferences(more), (Pairs{{1, 2}}));
  EXPECT_EQ(FindContradictoryPreferences(more), (Pairs{{0, 1}}));
  EXPECT_TRUE(FindDuplicatePreferences({}).empty());
}

}  // namespace
}  // namespace rlab::data
