// Branch-free float exp and tanh, inlined into the elementwise loops of the fused kernels so
// that those loops vectorise (glibc's expf and tanhf are calls, and do not). Include only from
// files compiled with -fno-trapping-math -fno-math-errno (see models/CMakeLists.txt).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace rlab::models {

// e^v for v in [-18, 0]: v = k ln2 + r with |r| <= ln2 / 2, e^r by its Taylor series to
// degree 7 (relative error below 1e-8 there), 2^k put straight into the exponent bits.
inline float ExpNonPositive(float v) {
  constexpr float kLog2e = 1.4426950408889634f;
  constexpr float kLn2Hi = 0.693145751953125f;  // ln 2 split in two for an exact k * ln2
  constexpr float kLn2Lo = 1.4286067653e-6f;
  // Round to nearest by adding and removing 1.5 * 2^23 (no libm call, so the loop vectorises).
  constexpr float kRound = 12582912.0f;
  const float k = (v * kLog2e + kRound) - kRound;
  const float r = (v - k * kLn2Hi) - k * kLn2Lo;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
  return p * std::bit_cast<float>(bits);
}

inline float Tanh(float x) {
  const float abs_x = std::fabs(x);
  const float a = abs_x < 9.0f ? abs_x : 9.0f;
  // Large |x|: (1 - e^{-2a}) / (1 + e^{-2a}). Small |x| (< 0.25), where that cancels: the
  // odd Taylor series to x^9 (error below 1e-8 there).
  const float e = ExpNonPositive(-2.0f * a);
  const float large = (1.0f - e) / (1.0f + e);
  const float a2 = a * a;
  float s = 62.0f / 2835.0f;
  s = s * a2 - 17.0f / 315.0f;
  s = s * a2 + 2.0f / 15.0f;
  s = s * a2 - 1.0f / 3.0f;
  s = s * a2 + 1.0f;
  const float small = a * s;
  const float t = a < 0.25f ? small : large;
  return std::copysign(t, x);
}

// e^v for any v <= 0: ExpNonPositive on v clamped to -87 (e^-87 is still a normal float, so
// the exponent bits stay valid; below it the true value is under 2e-38).
inline float ExpOfNonPositive(float v) { return ExpNonPositive(v > -87.0f ? v : -87.0f); }

}  // namespace rlab::models
