#include "rlab/rl/tabular/return_distribution.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

void CheckLaw(const ReturnDistribution& g, const char* what) {
  RLAB_CHECK(!g.empty() && std::abs(g.TotalMass() - 1.0) <= 1e-9,
             "{}: the return distribution must be non-empty and sum to 1, got mass {}", what,
             g.TotalMass());
}

void CheckTailMass(double alpha, const char* what) {
  RLAB_CHECK(alpha > 0.0 && alpha <= 1.0, "{}: alpha (the tail's mass) must be in (0, 1], got {}",
             what, alpha);
}

}  // namespace

ReturnDistribution ReturnDistribution::PointMass(int64_t value) {
  return {.lowest = value, .probabilities = {1.0}};
}

double ReturnDistribution::Probability(int64_t value) const {
  if (empty() || value < lowest || value > highest()) return 0.0;
  return probabilities[value - lowest];
}

double ReturnDistribution::TotalMass() const {
  double total = 0.0;
  for (double p : probabilities) total += p;
  return total;
}

ReturnDistribution ReturnDistribution::Shifted(int64_t by) const {
  return {.lowest = lowest + by, .probabilities = probabilities};
}

void ReturnDistribution::Accumulate(const ReturnDistribution& other, double weight) {
  if (other.empty() || weight == 0.0) return;
  if (empty()) {
    lowest = other.lowest;
    probabilities.assign(other.probabilities.size(), 0.0);
  }
  const int64_t new_lowest = std::min(lowest, other.lowest);
  const int64_t new_highest = std::max(highest(), other.highest());
  if (new_lowest < lowest) {
    probabilities.insert(probabilities.begin(), lowest - new_lowest, 0.0);
    lowest = new_lowest;
  }
  probabilities.resize(new_highest - lowest + 1, 0.0);
  for (size_t k = 0; k < other.probabilities.size(); ++k) {
    probabilities[other.lowest - lowest + k] += weight * other.probabilities[k];
  }
}

void ReturnDistribution::Trim() {
  size_t first = 0;
  while (first < probabilities.size() && probabilities[first] == 0.0) ++first;
  size_t end = probabilities.size();
  while (end > first && probabilities[end - 1] == 0.0) --end;
  probabilities = std::vector<double>(probabilities.begin() + first, probabilities.begin() + end);
  lowest += static_cast<int64_t>(first);
}

double ReturnDistribution::Expect(const std::function<double(int64_t)>& f) const {
  double total = 0.0;
  for (size_t k = 0; k < probabilities.size(); ++k) {
    if (probabilities[k] != 0.0) total += probabilities[k] * f(lowest + static_cast<int64_t>(k));
  }
  return total;
}

double ReturnDistribution::Mean() const {
  return Expect([](int64_t g) { return static_cast<double>(g); });
}

bool operator==(const ReturnDistribution& a, const ReturnDistribution& b) {
  return a.lowest == b.lowest && a.probabilities == b.probabilities;
}

bool Dominates(const ReturnDistribution& a, const ReturnDistribution& b, double tolerance) {
  const int64_t from = std::min(a.lowest, b.lowest);
  const int64_t to = std::max(a.highest(), b.highest());
  double cdf_a = 0.0, cdf_b = 0.0;
  for (int64_t x = from; x <= to; ++x) {
    cdf_a += a.Probability(x);
    cdf_b += b.Probability(x);
    if (cdf_a > cdf_b + tolerance) return false;
  }
  return true;
}

bool DominatesSecondOrder(const ReturnDistribution& a, const ReturnDistribution& b,
                          double tolerance) {
  const int64_t from = std::min(a.lowest, b.lowest);
  const int64_t to = std::max(a.highest(), b.highest());
  // On integers E[(x - G)^+] = sum_{y < x} P(G <= y): running sums of the CDFs.
  double cdf_a = 0.0, cdf_b = 0.0, shortfall_a = 0.0, shortfall_b = 0.0;
  for (int64_t x = from; x <= to; ++x) {
    cdf_a += a.Probability(x);
    cdf_b += b.Probability(x);
    shortfall_a += cdf_a;  // E[(x + 1 - G)^+]
    shortfall_b += cdf_b;
    if (shortfall_a > shortfall_b + tolerance) return false;
  }
  return true;
}

int64_t ValueAtRisk(const ReturnDistribution& g, double alpha) {
  CheckLaw(g, "value at risk");
  CheckTailMass(alpha, "value at risk");
  double cdf = 0.0;
  for (size_t k = 0; k < g.probabilities.size(); ++k) {
    cdf += g.probabilities[k];
    if (cdf >= alpha - 1e-12) return g.lowest + static_cast<int64_t>(k);
  }
  return g.highest();
}

double ConditionalValueAtRisk(const ReturnDistribution& g, double alpha) {
  CheckLaw(g, "CVaR");
  CheckTailMass(alpha, "CVaR");
  double remaining = alpha, total = 0.0;
  for (size_t k = 0; k < g.probabilities.size() && remaining > 0.0; ++k) {
    const double mass = std::min(g.probabilities[k], remaining);
    total += mass * static_cast<double>(g.lowest + static_cast<int64_t>(k));
    remaining -= mass;
  }
  // Rounding can leave a sliver of `remaining`: it belongs to the highest value.
  total += std::max(remaining, 0.0) * static_cast<double>(g.highest());
  return total / alpha;
}

double RockafellarUryasevObjective(const ReturnDistribution& g, double alpha, double b) {
  CheckTailMass(alpha, "Rockafellar-Uryasev objective");
  const double shortfall =
      g.Expect([b](int64_t x) { return std::max(b - static_cast<double>(x), 0.0); });
  return b - shortfall / alpha;
}

double ExpectedShortfall(const ReturnDistribution& g, double alpha) {
  return -ConditionalValueAtRisk(g, alpha);
}

double ProbabilityAtLeast(const ReturnDistribution& g, int64_t threshold) {
  return g.Expect([threshold](int64_t x) { return x >= threshold ? 1.0 : 0.0; });
}

double EntropicObjective(const ReturnDistribution& g, double alpha, double z) {
  RLAB_CHECK(z > 0.0, "entropic objective: z must be > 0, got {}", z);
  CheckTailMass(alpha, "entropic objective");
  // L = -G is at most worst = -lowest: E[e^{z(L - worst)}] is in (0, 1], so nothing overflows.
  const double worst = -static_cast<double>(g.lowest);
  const double moment =
      g.Expect([&](int64_t x) { return std::exp(z * (-static_cast<double>(x) - worst)); });
  return worst + (std::log(moment) - std::log(alpha)) / z;
}

EntropicValueAtRisk ComputeEntropicValueAtRisk(const ReturnDistribution& g, double alpha) {
  CheckLaw(g, "entropic value at risk");
  RLAB_CHECK(alpha > 0.0 && alpha < 1.0,
             "entropic value at risk: alpha must be in (0, 1) (alpha = 1 is the mean), got {}",
             alpha);
  // In t = 1/z the objective is >= E[L] + t log(1/alpha) (Jensen), which passes the worst loss
  // (the limit as t -> 0) beyond t_max: the minimum lies in [t_min, t_max].
  const double worst = -static_cast<double>(g.lowest);
  const double t_min = 1e-6;
  const double t_max = (worst + g.Mean()) / std::log(1.0 / alpha) + 1.0;
  const auto at = [&](double log_t) { return EntropicObjective(g, alpha, std::exp(-log_t)); };
  double lo = std::log(t_min), hi = std::log(t_max);
  const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
  double x1 = hi - ratio * (hi - lo), x2 = lo + ratio * (hi - lo);
  double f1 = at(x1), f2 = at(x2);
  for (int i = 0; i < 200 && hi - lo > 1e-13; ++i) {
    if (f1 <= f2) {
      hi = x2, x2 = x1, f2 = f1;
      x1 = hi - ratio * (hi - lo), f1 = at(x1);
    } else {
      lo = x1, x1 = x2, f1 = f2;
      x2 = lo + ratio * (hi - lo), f2 = at(x2);
    }
  }
  EntropicValueAtRisk best{.value = f1, .z = std::exp(-x1)};
  for (double end : {std::log(t_min), std::log(t_max)}) {
    const double value = at(end);
    if (value < best.value) best = {.value = value, .z = std::exp(-end)};
  }
  return best;
}

}  // namespace rlab::rl::tabular
