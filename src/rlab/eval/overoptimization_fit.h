// The functional forms Gao et al. ("Scaling Laws for Reward Model Overoptimization",
// arXiv:2210.10760) fit to the gold reward of a policy optimised against a proxy reward, as a
// function of its distance from the initial policy d = sqrt(KL(pi || pi_init)):
//   best-of-N   R(d) = d (alpha - beta d)
//   RL          R(d) = d (alpha - beta log d)
// where R is the gold reward's gain over the initial policy (R(0) = 0). Both forms are linear
// in (alpha, beta), so the fit is ordinary least squares on the basis (d, -d^2) or
// (d, -d log d), without an intercept; the point d = 0 contributes only to the error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlab::eval {

enum class GaoForm { kBestOfN, kRl };
GaoForm ParseGaoForm(const std::string& text);  // "bon" or "rl"
std::string GaoFormName(GaoForm form);

struct GaoFit {
  GaoForm form = GaoForm::kRl;
  double alpha = 0, beta = 0;
  double rmse = 0;  // root mean squared error of the fit over all points
  int64_t points = 0;
  // The d at which the fitted gain peaks (inf where it never turns down: beta <= 0).
  double d_at_peak() const;
};

// R(d) of the form.
double GaoCurve(GaoForm form, double alpha, double beta, double d);

// Fits the form to the points (kl_i, gain_i); d_i = sqrt(max(kl_i, 0)), since a Monte-Carlo
// KL estimate near 0 can come out slightly negative. Fails with fewer than two points of
// distinct d > 0, where the two coefficients are not determined.
GaoFit FitGaoForm(GaoForm form, const std::vector<double>& kl, const std::vector<double>& gain);

// KL(best-of-N || pi) = log N - (N - 1) / N, the analytic value for best-of-N sampling
// (Stiennon et al., arXiv:2009.01325, appendix), which Gao et al. use for the x axis.
double BestOfNKl(int64_t n);

}  // namespace rlab::eval
