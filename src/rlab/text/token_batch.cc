#include "rlab/text/token_batch.h"

#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"

namespace rlab::data {

int64_t TokenBatch::TrainedTokens() const { return loss_mask.sum().item<double>(); }

TokenBatch CollateRightPadded(const std::vector<SftExample>& examples,
                              std::span<const int64_t> indices, int64_t pad_token_id) {
  RLAB_CHECK(!indices.empty(), "collate: empty batch");
  int64_t T = 0;
  for (int64_t i : indices) {
    RLAB_CHECK(i >= 0 && i < static_cast<int64_t>(examples.size()),
               "collate: example index {} out of range (dataset of {})", i, examples.size());
    T = std::max<int64_t>(T, static_cast<int64_t>(examples[i].ids.size()));
  }
  const int64_t B = static_cast<int64_t>(indices.size());
  TokenBatch batch;
  batch.ids = torch::full({B, T}, pad_token_id, torch::kInt64);
  batch.attention_mask = torch::zeros({B, T}, torch::kInt64);
  batch.loss_mask = torch::zeros({B, T}, torch::kFloat32);
  auto ids = batch.ids.accessor<int64_t, 2>();
  auto attention = batch.attention_mask.accessor<int64_t, 2>();
  auto loss = batch.loss_mask.accessor<float, 2>();
  for (int64_t b = 0; b < B; ++b) {
    const SftExample& e = examples[indices[b]];
    for (std::size_t t = 0; t < e.ids.size(); ++t) {
      ids[b][t] = e.ids[t];
      attention[b][t] = 1;
      loss[b][t] = e.trained[t];
    }
  }
  return batch;
}

}  // namespace rlab::data
