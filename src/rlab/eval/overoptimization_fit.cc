#include "rlab/eval/overoptimization_fit.h"

#include <cmath>
#include <limits>
#include <set>

#include "rlab/core/check.h"

namespace rlab::eval {

GaoForm ParseGaoForm(const std::string& text) {
  if (text == "bon") return GaoForm::kBestOfN;
  if (text == "rl") return GaoForm::kRl;
  RLAB_FAIL("unknown Gao form '{}'; valid forms: bon, rl", text);
}

std::string GaoFormName(GaoForm form) { return form == GaoForm::kBestOfN ? "bon" : "rl"; }

namespace {

// The second basis function, the one beta multiplies (with a minus sign).
double Curvature(GaoForm form, double d) {
  if (d <= 0) return 0.0;  // both d^2 and d log d vanish at 0
  return form == GaoForm::kBestOfN ? d * d : d * std::log(d);
}

}  // namespace

double GaoCurve(GaoForm form, double alpha, double beta, double d) {
  return alpha * d - beta * Curvature(form, d);
}

double GaoFit::d_at_peak() const {
  if (beta <= 0) return std::numeric_limits<double>::infinity();
  // d/dd [alpha d - beta d^2] = 0 at alpha / (2 beta);
  // d/dd [alpha d - beta d log d] = alpha - beta (log d + 1) = 0 at exp(alpha / beta - 1).
  return form == GaoForm::kBestOfN ? alpha / (2 * beta) : std::exp(alpha / beta - 1);
}

GaoFit FitGaoForm(GaoForm form, const std::vector<double>& kl, const std::vector<double>& gain) {
  RLAB_CHECK(kl.size() == gain.size(), "Gao fit: {} KL values for {} gains", kl.size(),
             gain.size());
  std::vector<double> d(kl.size());
  std::set<double> distinct;
  for (std::size_t i = 0; i < kl.size(); ++i) {
    RLAB_CHECK(std::isfinite(kl[i]) && std::isfinite(gain[i]),
               "Gao fit: point {} is not finite (kl {}, gain {})", i, kl[i], gain[i]);
    d[i] = std::sqrt(std::max(kl[i], 0.0));
    if (d[i] > 0) distinct.insert(d[i]);
  }
  RLAB_CHECK(distinct.size() >= 2,
             "Gao fit: needs at least two points with distinct KL > 0, got {}", distinct.size());
  // Normal equations of gain ~ alpha * u - beta * v with u = d, v = the curvature term.
  double uu = 0, uv = 0, vv = 0, ug = 0, vg = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double u = d[i], v = Curvature(form, d[i]);
    uu += u * u;
    uv += u * v;
    vv += v * v;
    ug += u * gain[i];
    vg += v * gain[i];
  }
  const double det = uu * vv - uv * uv;
  RLAB_CHECK(std::abs(det) > 1e-12 * uu * vv,
             "Gao fit: the points do not determine both coefficients (collinear basis)");
  GaoFit fit;
  fit.form = form;
  // [uu uv; uv vv] [alpha; -beta] = [ug; vg]
  fit.alpha = (ug * vv - vg * uv) / det;
  fit.beta = -(uu * vg - uv * ug) / det;
  double squared = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double e = gain[i] - GaoCurve(form, fit.alpha, fit.beta, d[i]);
    squared += e * e;
  }
  fit.points = static_cast<int64_t>(d.size());
  fit.rmse = std::sqrt(squared / d.size());
  return fit;
}

double BestOfNKl(int64_t n) {
  RLAB_CHECK(n >= 1, "best-of-N: N must be >= 1, got {}", n);
  return std::log(static_cast<double>(n)) - static_cast<double>(n - 1) / n;
}

}  // namespace rlab::eval
