// What the self-play and Nash objectives read from a group's judged preference matrix: each
// sample's win rate against the other samples of its group (the estimate of P(y > pi_t) from
// G samples of pi_t), the best and the worst sample of each group by that rate, and values
// picked at one sample per prompt.
#pragma once

#include <torch/types.h>

namespace rlab::prefopt {

// preference [P, G, G] -> [P, G]: sum_{j != i} P(y_i > y_j) / (G - 1), each sample's win rate
// against the other samples of its group, the estimate of P(y_i > pi_t); the diagonal (1/2
// against itself) is left out, so the estimate is unbiased for an independent draw of pi_t.
// Any pairwise matrix [P, G, G] averages the same way (gpo: preference scores). Needs G >= 2.
torch::Tensor GroupWinRates(const torch::Tensor& pairwise);

// The samples with the highest and the lowest win rate of each group [P] int64 (the first of
// equal rates: argmax / argmin).
struct BestAndWorst {
  torch::Tensor best;   // [P]
  torch::Tensor worst;  // [P]
};
BestAndWorst BestAndWorstByWinRate(const torch::Tensor& win_rates);  // win_rates [P, G]

// values [P, G], index [P] (or [P, K]) -> values[p, index[p]] [P] (or [P, K]); differentiable in
// values.
torch::Tensor AtSample(const torch::Tensor& values, const torch::Tensor& index);

// preference [P, G, G], first and second [P] (or [P, K]) -> P(y_first > y_second) of each pair,
// the shape of `first`.
torch::Tensor PairPreference(const torch::Tensor& preference, const torch::Tensor& first,
                             const torch::Tensor& second);

}  // namespace rlab::prefopt
