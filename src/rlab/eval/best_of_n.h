// Best-of-N sampling measured without bias: for each prompt M samples of the initial policy
// are scored once by the proxy reward (which picks) and the gold reward (which judges); the
// expected proxy and gold reward of the proxy's best of N samples drawn without replacement
// from the M is exact by order statistics, as in Gao et al. ("Scaling Laws for Reward Model
// Overoptimization", arXiv:2210.10760, appendix) and Nakano et al. (WebGPT, arXiv:2112.09332):
// with the M samples sorted by proxy reward, the one of rank i (1 = lowest) is the best of a
// uniformly drawn N-subset with probability C(i-1, N-1) / C(M, N). Equal proxy rewards are
// ranked by sample index, so a tie picks consistently.
#pragma once

#include <torch/types.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace rlab::eval {

struct BestOfNPoint {
  int64_t n = 1;
  double kl = 0;     // log N - (N - 1) / N
  double proxy = 0;  // expected proxy reward of the pick, averaged over prompts
  double gold = 0;   // expected gold reward of the pick, averaged over prompts
};

// Each item `n` times in a row: prompts laid out so that their samples reshape to the [P, M]
// that BestOfNCurve reads.
template <class T>
std::vector<T> RepeatEach(const std::vector<T>& items, int64_t n) {
  std::vector<T> out;
  out.reserve(items.size() * static_cast<std::size_t>(std::max<int64_t>(n, 0)));
  for (const T& item : items) out.insert(out.end(), static_cast<std::size_t>(n), item);
  return out;
}

// proxy and gold are [P, M] (prompts x samples); every n in `ns` must be in [1, M].
std::vector<BestOfNPoint> BestOfNCurve(const torch::Tensor& proxy, const torch::Tensor& gold,
                                       const std::vector<int64_t>& ns);

// The probabilities that the sample of each rank 1..M (ascending) is the best of N: [M],
// summing to 1. Computed in logs, so M in the thousands is fine.
std::vector<double> BestOfNRankWeights(int64_t m, int64_t n);

}  // namespace rlab::eval
