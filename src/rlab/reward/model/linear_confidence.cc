#include "rlab/reward/model/linear_confidence.h"

#include <torch/torch.h>

#include "rlab/core/check.h"

namespace rlab::reward {

LinearConfidenceSet FitLinearConfidenceSet(const torch::Tensor& differences, double lambda,
                                           double gamma) {
  RLAB_CHECK(differences.dim() == 2 && differences.size(0) > 0,
             "pessimistic MLE: feature differences must be [n, D] with n > 0");
  RLAB_CHECK(lambda > 0, "pessimistic MLE: lambda must be > 0, got {}", lambda);
  RLAB_CHECK(gamma >= 0, "pessimistic MLE: gamma must be >= 0, got {}", gamma);
  const torch::Tensor x = differences.to(torch::kFloat64);  // [n, D]
  const torch::Tensor sigma = x.t().matmul(x) / static_cast<double>(x.size(0)) +
                              lambda * torch::eye(x.size(1), torch::kFloat64);  // [D, D]
  return {torch::inverse(sigma), gamma};
}

torch::Tensor LowerConfidenceBounds(const LinearConfidenceSet& set, const torch::Tensor& advantages,
                                    const torch::Tensor& offsets) {
  RLAB_CHECK(offsets.dim() == 2 && offsets.size(1) == set.precision.size(0) &&
                 advantages.dim() == 1 && advantages.size(0) == offsets.size(0),
             "pessimistic MLE: advantages [N] and offsets [N, D] must match the set's D = {}",
             set.precision.size(0));
  const torch::Tensor d = offsets.to(torch::kFloat64);                      // [N, D]
  const torch::Tensor norms = (d.matmul(set.precision) * d).sum(1).sqrt();  // [N]
  return advantages.to(torch::kFloat64) - set.gamma * norms;
}

}  // namespace rlab::reward
