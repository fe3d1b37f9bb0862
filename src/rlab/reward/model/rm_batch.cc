#include "rlab/reward/model/rm_batch.h"

#include <torch/torch.h>

#include <algorithm>

namespace rlab::reward {

int64_t RmBatch::Tokens() const { return attention_mask.sum().item<int64_t>(); }

RmBatch CollatePreferences(const std::vector<data::PreferenceExample>& examples,
                           std::span<const int64_t> indices, int64_t pad_token_id) {
  int64_t rows = 0, width = 1;
  for (const int64_t i : indices) {
    for (const auto& s : examples.at(i).sequences) {
      ++rows;
      width = std::max<int64_t>(width, static_cast<int64_t>(s.size()));
    }
  }
  torch::Tensor ids = torch::full({rows, width}, pad_token_id, torch::kInt64);
  torch::Tensor mask = torch::zeros({rows, width}, torch::kInt64);
  torch::Tensor rating = torch::empty({rows}, torch::kFloat32);
  auto id = ids.accessor<int64_t, 2>();
  auto m = mask.accessor<int64_t, 2>();
  auto rt = rating.accessor<float, 1>();
  std::vector<int64_t> chosen, rejected;
  std::vector<float> margin;
  std::vector<uint8_t> tie;
  std::vector<torch::Tensor> rankings;
  int64_t row = 0;
  for (const int64_t i : indices) {
    const data::PreferenceExample& e = examples[i];
    const int64_t first = row;
    for (std::size_t k = 0; k < e.sequences.size(); ++k, ++row) {
      const auto& s = e.sequences[k];
      for (std::size_t t = 0; t < s.size(); ++t) {
        id[row][t] = s[t];
        m[row][t] = 1;
      }
      rt[row] = static_cast<float>(e.ratings[k]);
    }
    if (e.ranking) {
      rankings.push_back(torch::arange(first, row, torch::kInt64));
      continue;
    }
    for (int64_t r = first + 1; r < row; ++r) {
      chosen.push_back(first);
      rejected.push_back(r);
      margin.push_back(static_cast<float>(e.margin));
      tie.push_back(e.tie);
    }
  }
  RmBatch b;
  b.ids = ids;
  b.attention_mask = mask;
  b.targets.chosen_rows = torch::tensor(chosen, torch::kInt64);
  b.targets.rejected_rows = torch::tensor(rejected, torch::kInt64);
  b.targets.margin = torch::tensor(margin, torch::kFloat32);
  b.targets.tie =
      torch::tensor(std::vector<int64_t>(tie.begin(), tie.end()), torch::kInt64).to(torch::kBool);
  b.targets.rankings = std::move(rankings);
  b.targets.rating = rating;
  return b;
}

}  // namespace rlab::reward
