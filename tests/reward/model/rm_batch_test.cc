// Collation of preference records: one right-padded row per response, pairs and rankings laid
// out for the objective, ratings per row.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/reward/model/rm_batch.h"

namespace rlab::reward {
namespace {

data::PreferenceExample Example(std::vector<std::vector<int64_t>> sequences, bool ranking = false) {
  data::PreferenceExample e;
  e.ratings.assign(sequences.size(), std::nan(""));
  e.sequences = std::move(sequences);
  e.ranking = ranking;
  return e;
}

TEST(RmBatch, RowsPairsRankingsAndPadding) {
  std::vector<data::PreferenceExample> examples;
  examples.push_back(Example({{1, 2, 3}, {1, 4}}));
  examples.back().ratings = {1.5, -0.5};
  examples.back().margin = 0.25;
  examples.push_back(Example({{1, 5}, {1, 6}, {1, 7, 8, 9}}, /*ranking=*/true));
  examples.push_back(Example({{1}, {2}, {3}}));  // one chosen, two rejected
  examples.back().tie = true;
  const std::vector<int64_t> order = {2, 0, 1};
  const RmBatch b = CollatePreferences(examples, order, /*pad=*/0);
  EXPECT_EQ(b.ids.sizes(), (std::vector<int64_t>{8, 4}));
  EXPECT_TRUE(torch::equal(b.ids[3], torch::tensor({1L, 2L, 3L, 0L})));
  EXPECT_TRUE(torch::equal(b.attention_mask[4], torch::tensor({1L, 1L, 0L, 0L})));
  EXPECT_EQ(b.Tokens(), 3 + 5 + 2 + 2 + 4);
  // Rows: example 2 -> 0..2, example 0 -> 3..4, example 1 -> 5..7.
  EXPECT_TRUE(torch::equal(b.targets.chosen_rows, torch::tensor({0L, 0L, 3L})));
  EXPECT_TRUE(torch::equal(b.targets.rejected_rows, torch::tensor({1L, 2L, 4L})));
  EXPECT_TRUE(torch::equal(b.targets.tie, torch::tensor({true, true, false})));
  EXPECT_FLOAT_EQ(b.targets.margin[2].item<float>(), 0.25f);
  ASSERT_EQ(b.targets.rankings.size(), 1u);
  EXPECT_TRUE(torch::equal(b.targets.rankings[0], torch::tensor({5L, 6L, 7L})));
  EXPECT_FLOAT_EQ(b.targets.rating[3].item<float>(), 1.5f);
  EXPECT_TRUE(std::isnan(b.targets.rating[0].item<float>()));
}

}  // namespace
}  // namespace rlab::reward
