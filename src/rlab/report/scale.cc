#include "rlab/report/scale.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace rlab::report {

namespace {

// The step of 1, 2 or 5 times a power of ten nearest to `raw` on a log scale (the cut-offs
// are the geometric means of neighbouring choices), so the tick count stays near the target.
double NiceStep(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double nice = fraction < std::sqrt(2.0)    ? 1.0
                      : fraction < std::sqrt(10.0) ? 2.0
                      : fraction < std::sqrt(50.0) ? 5.0
                                                   : 10.0;
  return nice * magnitude;
}

bool UseExponent(double max_abs, double step) { return max_abs >= 1e6 || step < 1e-4; }

}  // namespace

Ticks NiceTicks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  target = std::max(target, 2);
  const double scale = std::max(std::abs(lo), std::abs(hi));
  if (hi - lo <= scale * 1e-12) {  // one value: widen around it
    const double pad = scale == 0 ? 1.0 : scale * 0.1;
    lo -= pad;
    hi += pad;
  }
  Ticks t;
  t.step = NiceStep((hi - lo) / target);
  t.lo = std::floor(lo / t.step + 1e-9) * t.step;
  t.hi = std::ceil(hi / t.step - 1e-9) * t.step;
  const int count = static_cast<int>(std::llround((t.hi - t.lo) / t.step));
  for (int i = 0; i <= count; ++i) {
    double v = t.lo + i * t.step;
    if (std::abs(v) < t.step * 1e-9) v = 0;  // no "-0" and no 1e-17 for zero
    t.values.push_back(v);
  }
  return t;
}

Ticks LogTicks(double log_lo, double log_hi, int target) {
  if (!std::isfinite(log_lo) || !std::isfinite(log_hi)) log_lo = 0, log_hi = 1;
  if (log_lo > log_hi) std::swap(log_lo, log_hi);
  Ticks t;
  t.lo = std::floor(log_lo + 1e-9);
  t.hi = std::max(std::ceil(log_hi - 1e-9), t.lo + 1);
  t.step = std::max(1.0, std::ceil((t.hi - t.lo) / std::max(target, 2)));
  t.lo = std::floor(t.lo / t.step) * t.step;
  t.hi = std::ceil(t.hi / t.step) * t.step;
  for (double v = t.lo; v <= t.hi + 1e-9; v += t.step) t.values.push_back(v);
  return t;
}

std::vector<std::string> FormatLogTicks(const Ticks& ticks) {
  std::vector<std::string> labels;
  for (double v : ticks.values) {
    const double power = std::pow(10.0, v);
    labels.push_back(std::abs(v) >= 5 ? fmt::format("1e{:+03.0f}", v) : FormatNumber(power));
  }
  return labels;
}

std::vector<std::string> FormatTicks(const Ticks& ticks) {
  double max_abs = 0;
  for (double v : ticks.values) max_abs = std::max(max_abs, std::abs(v));
  std::vector<std::string> labels;
  if (UseExponent(max_abs, ticks.step)) {
    // Enough significant digits to tell neighbouring ticks apart.
    const int digits = std::clamp(
        static_cast<int>(std::floor(std::log10(max_abs)) - std::floor(std::log10(ticks.step))) + 1,
        1, 15);
    for (double v : ticks.values) labels.push_back(fmt::format("{:.{}g}", v, digits));
    return labels;
  }
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(ticks.step) + 1e-9)));
  for (double v : ticks.values) labels.push_back(fmt::format("{:.{}f}", v, decimals));
  return labels;
}

std::string FormatNumber(double value, int digits) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == std::floor(value) && std::abs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{:.{}g}", value, digits);
}

double LinearScale::operator()(double value) const {
  if (d1_ == d0_) return (r0_ + r1_) / 2;
  return r0_ + (value - d0_) / (d1_ - d0_) * (r1_ - r0_);
}

}  // namespace rlab::report
