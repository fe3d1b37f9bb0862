#include "rlab/prefopt/online_objectives/group_preferences.h"

#include <torch/torch.h>

#include <vector>

#include "rlab/core/check.h"

namespace rlab::prefopt {

torch::Tensor GroupWinRates(const torch::Tensor& pairwise) {
  RLAB_CHECK(pairwise.dim() == 3 && pairwise.size(1) == pairwise.size(2),
             "online objective: the judged preference must be [P, G, G], got {} dimensions",
             pairwise.dim());
  const int64_t G = pairwise.size(1);
  RLAB_CHECK(G >= 2, "online objective: a win rate within the group needs group_size >= 2, got {}",
             G);
  const torch::Tensor off_diagonal = pairwise.sum(2) - pairwise.diagonal(0, 1, 2);  // [P, G]
  return off_diagonal / static_cast<double>(G - 1);
}

BestAndWorst BestAndWorstByWinRate(const torch::Tensor& win_rates) {
  return {win_rates.argmax(1), win_rates.argmin(1)};
}

torch::Tensor AtSample(const torch::Tensor& values, const torch::Tensor& index) {
  const torch::Tensor rows = index.dim() == 1 ? index.unsqueeze(1) : index;  // [P, K]
  return values.gather(1, rows).view(index.sizes());
}

torch::Tensor PairPreference(const torch::Tensor& preference, const torch::Tensor& first,
                             const torch::Tensor& second) {
  std::vector<int64_t> shape(first.dim(), 1);  // [P] or [P, 1]: broadcast against the pairs
  shape[0] = preference.size(0);
  const torch::Tensor prompts = torch::arange(shape[0], first.options()).view(shape);
  return preference.index({prompts, first, second});
}

}  // namespace rlab::prefopt
