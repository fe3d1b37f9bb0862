#include "rlab/eval/best_of_n.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/eval/overoptimization_fit.h"

namespace rlab::eval {

namespace {

double LogChoose(int64_t n, int64_t k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

}  // namespace

std::vector<double> BestOfNRankWeights(int64_t m, int64_t n) {
  RLAB_CHECK(n >= 1 && n <= m, "best-of-N: N must be in [1, {}] (the samples per prompt), got {}",
             m, n);
  std::vector<double> w(m, 0.0);
  const double total = LogChoose(m, n);
  for (int64_t i = n; i <= m; ++i) w[i - 1] = std::exp(LogChoose(i - 1, n - 1) - total);
  return w;
}

std::vector<BestOfNPoint> BestOfNCurve(const torch::Tensor& proxy, const torch::Tensor& gold,
                                       const std::vector<int64_t>& ns) {
  RLAB_CHECK(proxy.defined() && gold.defined() && proxy.dim() == 2 &&
                 proxy.sizes() == gold.sizes() && proxy.size(0) >= 1,
             "best-of-N: proxy and gold must both be [P, M], got {} and {}",
             proxy.defined() ? fmt::format("{}", proxy.sizes()) : "nothing",
             gold.defined() ? fmt::format("{}", gold.sizes()) : "nothing");
  const int64_t m = proxy.size(1);
  const torch::Tensor p = proxy.to(torch::kFloat64).contiguous();
  const torch::Tensor g = gold.to(torch::kFloat64).contiguous();
  // Per prompt, the samples in ascending proxy order (stable: ties keep index order).
  const torch::Tensor order = std::get<1>(p.sort(/*stable=*/true, /*dim=*/1, /*descending=*/false));
  const torch::Tensor p_sorted = p.gather(1, order);
  const torch::Tensor g_sorted = g.gather(1, order);
  std::vector<BestOfNPoint> curve;
  for (const int64_t n : ns) {
    const torch::Tensor w = torch::tensor(BestOfNRankWeights(m, n), torch::kFloat64);
    BestOfNPoint point;
    point.n = n;
    point.kl = BestOfNKl(n);
    point.proxy = (p_sorted * w).sum(1).mean().item<double>();
    point.gold = (g_sorted * w).sum(1).mean().item<double>();
    curve.push_back(point);
  }
  return curve;
}

}  // namespace rlab::eval
