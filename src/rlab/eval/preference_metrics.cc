#include "rlab/eval/preference_metrics.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::eval {

double PearsonCorrelation(const torch::Tensor& a, const torch::Tensor& b) {
  RLAB_CHECK(a.dim() == 1 && a.sizes() == b.sizes() && a.numel() >= 2,
             "Pearson correlation needs two [N] tensors with N >= 2, got {} and {}", a.sizes(),
             b.sizes());
  const torch::Tensor x = a.to(torch::kDouble) - a.to(torch::kDouble).mean();
  const torch::Tensor y = b.to(torch::kDouble) - b.to(torch::kDouble).mean();
  const double denominator = std::sqrt((x * x).sum().item<double>() * (y * y).sum().item<double>());
  if (denominator == 0.0) return 0.0;
  return (x * y).sum().item<double>() / denominator;
}

double PairwiseAccuracy(const torch::Tensor& score_a, const torch::Tensor& score_b,
                        const torch::Tensor& prefers_a) {
  RLAB_CHECK(score_a.sizes() == score_b.sizes() && score_a.sizes() == prefers_a.sizes(),
             "pairwise accuracy: shapes differ: {} vs {} vs {}", score_a.sizes(), score_b.sizes(),
             prefers_a.sizes());
  const torch::Tensor decided = prefers_a != 0.5;  // [N] bool
  const int64_t n = decided.sum().item<int64_t>();
  if (n == 0) return 0.0;
  const torch::Tensor predicted_a = score_a > score_b;
  const torch::Tensor label_a = prefers_a > 0.5;
  return ((predicted_a == label_a) & decided).sum().item<double>() / static_cast<double>(n);
}

}  // namespace rlab::eval
