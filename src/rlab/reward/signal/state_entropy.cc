#include "rlab/reward/signal/state_entropy.h"

#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

void StateEntropyOptions::Validate() const {
  RLAB_CHECK(k >= 1, "state entropy: k must be >= 1, got {}", k);
  RLAB_CHECK(c > 0 || !log, "state entropy: c must be > 0 with log, got {}", c);
  RLAB_CHECK(batch_rows >= 1, "state entropy: batch_rows must be >= 1, got {}", batch_rows);
}

torch::Tensor KthNeighbourDistance(const torch::Tensor& queries, const torch::Tensor& points,
                                   int64_t k, int64_t batch_rows) {
  RLAB_CHECK(queries.dim() == 2 && points.dim() == 2 && queries.size(1) == points.size(1),
             "k-nearest neighbours: queries [B, D] and points [N, D] must share D, got {} and {}",
             queries.sizes(), points.sizes());
  RLAB_CHECK(k >= 1 && k <= points.size(0),
             "k-nearest neighbours: k = {} needs at least k points, got {}", k, points.size(0));
  torch::NoGradGuard no_grad;
  const torch::Tensor p = points.to(torch::kDouble);
  const torch::Tensor q = queries.to(torch::kDouble);
  const torch::Tensor p_sq = (p * p).sum(1);  // [N]
  torch::Tensor out = torch::empty({q.size(0)}, torch::kDouble);
  for (int64_t start = 0; start < q.size(0); start += batch_rows) {
    const int64_t end = std::min(q.size(0), start + batch_rows);
    const torch::Tensor qb = q.slice(0, start, end);  // [b, D]
    // |q - p|^2 = |q|^2 - 2 q.p + |p|^2, clamped at 0 against rounding: [b, N]
    const torch::Tensor sq =
        ((qb * qb).sum(1, true) - 2.0 * qb.matmul(p.t()) + p_sq.unsqueeze(0)).clamp_min(0.0);
    const torch::Tensor kth = std::get<0>(sq.topk(k, 1, /*largest=*/false, /*sorted=*/true));
    out.slice(0, start, end).copy_(kth.select(1, k - 1).sqrt());
  }
  return out;
}

torch::Tensor StateEntropyRewards(const torch::Tensor& states, const StateEntropyOptions& o) {
  o.Validate();
  RLAB_CHECK(states.dim() == 2 && states.size(0) > o.k,
             "state entropy: needs more than k = {} states [N, D], got {}", o.k, states.sizes());
  // k + 1 nearest points: the state itself is the first, at distance 0.
  torch::Tensor r = KthNeighbourDistance(states, states, o.k + 1, o.batch_rows);  // [N]
  if (o.log) r = (r + o.c).log();
  if (o.normalize) r = r / r.std(/*unbiased=*/false).clamp_min(1e-8);
  return r;
}

}  // namespace rlab::reward
