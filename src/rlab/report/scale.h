// Axis scales for the report's plots: "nice" tick values on steps of 1, 2 or 5 times a power
// of ten, the mapping from data values to pixels, and tick labels that show no more digits
// than the step needs.
#pragma once

#include <string>
#include <vector>

namespace rlab::report {

// A linear axis: the domain [lo, hi] widened to whole ticks, and the ticks themselves.
struct Ticks {
  double lo = 0;    // first tick (<= the smallest data value)
  double hi = 1;    // last tick (>= the largest data value)
  double step = 1;  // 1, 2 or 5 times a power of ten
  std::vector<double> values;
};

// About `target` ticks covering [lo, hi]. A degenerate range (lo == hi, one point or a
// constant series) is widened around the value; non-finite bounds give the axis [0, 1].
Ticks NiceTicks(double lo, double hi, int target = 5);

// Ticks of a logarithmic axis in log10 units: whole exponents covering [log_lo, log_hi]
// (every second or more of them when they are many), about `target` of them.
Ticks LogTicks(double log_lo, double log_hi, int target = 5);
// Labels of LogTicks: the powers of ten themselves ("0.001", "1", "1e+06").
std::vector<std::string> FormatLogTicks(const Ticks& ticks);

// Tick labels with as many decimals as the step needs ("0.25", "1000", "-0.5"); very large or
// very small magnitudes use exponent notation ("1.5e+07").
std::vector<std::string> FormatTicks(const Ticks& ticks);
// One number for tables and captions: up to `digits` significant digits, no trailing zeros.
std::string FormatNumber(double value, int digits = 6);

// Maps the domain [d0, d1] linearly onto the range [r0, r1] (r0 > r1 flips the axis, as
// screen y does). A zero-width domain maps everything to the middle of the range.
class LinearScale {
 public:
  LinearScale(double d0, double d1, double r0, double r1) : d0_(d0), d1_(d1), r0_(r0), r1_(r1) {}
  double operator()(double value) const;

 private:
  double d0_, d1_, r0_, r1_;
};

}  // namespace rlab::report
