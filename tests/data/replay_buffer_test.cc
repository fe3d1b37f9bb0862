#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/data/replay_buffer.h"

namespace rlab::data {
namespace {

TEST(ReplayBuffer, RingKeepsTheNewestAndSamplesOnlyStoredRows) {
  ReplayBuffer buffer(3, 2, 1);
  for (int i = 0; i < 5; ++i) {
    const float obs[2] = {static_cast<float>(i), 0}, next[2] = {static_cast<float>(i + 1), 0};
    const float act = 10.0f * i;
    buffer.Add(obs, &act, static_cast<float>(i), next, i == 4);
  }
  EXPECT_EQ(buffer.size(), 3);
  Rng rng(1);
  ReplayBatch batch;
  buffer.Sample(200, rng, batch);
  std::set<int> seen;
  for (int64_t b = 0; b < batch.size; ++b) {
    const int i = static_cast<int>(batch.obs[b * 2]);
    seen.insert(i);
    EXPECT_FLOAT_EQ(batch.actions[b], 10.0f * i);
    EXPECT_FLOAT_EQ(batch.rewards[b], static_cast<float>(i));
    EXPECT_FLOAT_EQ(batch.next_obs[b * 2], static_cast<float>(i + 1));
    EXPECT_FLOAT_EQ(batch.terminated[b], i == 4 ? 1.0f : 0.0f);
  }
  EXPECT_EQ(seen, (std::set<int>{2, 3, 4}));  // 0 and 1 were overwritten
}

TEST(ReplayBuffer, EmptyBufferRefusesToSample) {
  ReplayBuffer buffer(4, 1, 1);
  Rng rng(1);
  ReplayBatch batch;
  EXPECT_THROW(buffer.Sample(1, rng, batch), Error);
}

}  // namespace
}  // namespace rlab::data

namespace rlab::data {
namespace {

TEST(ReplayBuffer, RelabelReplacesEveryStoredRewardFromTheStoredTransitions) {
  ReplayBuffer buffer(4, 1, 1);
  for (int i = 0; i < 3; ++i) {
    const float obs = static_cast<float>(i), act = 2.0f * i, next = obs + 0.5f;
    buffer.Add(&obs, &act, -1.0f, &next, false);
  }
  int64_t rows = -1;
  buffer.Relabel([&](const torch::Tensor& o, const torch::Tensor& a, const torch::Tensor& n) {
    rows = o.size(0);
    return (o + a + n).squeeze(1).to(torch::kDouble);  // i + 2i + (i + 0.5)
  });
  EXPECT_EQ(rows, 3);  // only the stored rows, not the capacity
  Rng rng(2);
  ReplayBatch batch;
  buffer.Sample(50, rng, batch);
  for (int64_t b = 0; b < batch.size; ++b) {
    const float i = batch.obs[b];
    EXPECT_FLOAT_EQ(batch.rewards[b], i + 2.0f * i + i + 0.5f);
  }
  EXPECT_THROW(buffer.Relabel([](const torch::Tensor& o, const torch::Tensor&,
                                 const torch::Tensor&) { return torch::zeros({o.size(0) + 1}); }),
               Error);
}

}  // namespace
}  // namespace rlab::data
