#include "rlab/models/kernels/softmax_kernels.h"

#include <cstdint>
#include <limits>

#include "rlab/models/kernels/branch_free_math.h"

namespace rlab::models {
namespace {

// Reductions keep this many partial results, one per vector lane, so that they vectorise
// without reassociating the compiler's float arithmetic (this file is not built with it).
constexpr int64_t kLanes = 16;

// sum of term(i) for i < n, one partial sum per lane (same order as writing the lanes out).
template <typename Term>
inline float LaneSum(int64_t n, Term term) {
  float lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int64_t j = 0; j < kLanes; ++j) lanes[j] += term(i + j);
  }
  float sum = 0.0f;
  for (; i < n; ++i) sum += term(i);
  for (const float part : lanes) sum += part;
  return sum;
}

// One past the last allowed entry: a causal row's allowed entries are a prefix, and work
// beyond it is skipped.
int64_t AllowedEnd(const uint8_t* allowed, int64_t n) {
  while (n > 0 && allowed[n - 1] == 0) --n;
  return n;
}

// The mask as bytes: a loop loads bool through a byte type the vectoriser handles. Every loop
// below reads each input unconditionally and selects afterwards, for the same reason.
struct ByteMask {
  const uint8_t* bytes;
  bool operator()(int64_t i) const { return bytes[i] != 0; }
};

// Every entry of the row's prefix is allowed (causal attention without padding).
struct NoMask {
  bool operator()(int64_t) const { return true; }
};

// The row's first `end` entries hold the allowed ones (end >= 1); entries [end, n) get 0.
template <typename Mask>
inline void SoftmaxRow(const float* s, Mask allowed, int64_t end, int64_t n, float scale,
                       float* p) {
  for (int64_t i = end; i < n; ++i) p[i] = 0.0f;
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  float lane_max[kLanes];
  for (float& m : lane_max) m = kNone;
  int64_t i = 0;
  for (; i + kLanes <= end; i += kLanes) {
    for (int64_t j = 0; j < kLanes; ++j) {
      const float score = s[i + j];
      const float v = allowed(i + j) ? score : kNone;
      lane_max[j] = v > lane_max[j] ? v : lane_max[j];
    }
  }
  float max = kNone;
  for (; i < end; ++i) {
    const float score = s[i];
    const float v = allowed(i) ? score : kNone;
    max = v > max ? v : max;
  }
  for (const float m : lane_max) max = m > max ? m : max;
  for (int64_t k = 0; k < end; ++k) {
    // Masked scores may exceed the maximum; their exponent is clamped and then discarded.
    const float shifted = scale * (s[k] - max);
    const float e = ExpOfNonPositive(shifted < 0.0f ? shifted : 0.0f);
    p[k] = allowed(k) ? e : 0.0f;
  }
  const float sum = LaneSum(end, [&](int64_t k) { return p[k]; });
  const float inv = 1.0f / sum;  // sum >= 1: the maximum's own term is e^0
  for (int64_t k = 0; k < end; ++k) p[k] *= inv;
}

template <typename Mask>
inline void SoftmaxBackwardRow(const float* p, const float* dp, Mask allowed, int64_t end,
                               int64_t n, float scale, float* ds) {
  for (int64_t i = end; i < n; ++i) ds[i] = 0.0f;
  const float dot = LaneSum(end, [&](int64_t k) { return dp[k] * p[k]; });
  for (int64_t k = 0; k < end; ++k) {
    const float g = scale * p[k] * (dp[k] - dot);
    ds[k] = allowed(k) ? g : 0.0f;
  }
}

}  // namespace

__attribute__((target_clones("avx2", "default"))) void MaskedSoftmaxRow(const float* s,
                                                                        const bool* allowed,
                                                                        int64_t n, float scale,
                                                                        float* p) {
  const ByteMask mask{reinterpret_cast<const uint8_t*>(allowed)};
  const int64_t end = AllowedEnd(mask.bytes, n);
  if (end == 0) {
    for (int64_t i = 0; i < n; ++i) p[i] = 1.0f / static_cast<float>(n);
    return;
  }
  SoftmaxRow(s, mask, end, n, scale, p);
}

__attribute__((target_clones("avx2", "default"))) void MaskedSoftmaxBackwardRow(
    const float* p, const float* dp, const bool* allowed, int64_t n, float scale, float* ds) {
  const ByteMask mask{reinterpret_cast<const uint8_t*>(allowed)};
  SoftmaxBackwardRow(p, dp, mask, AllowedEnd(mask.bytes, n), n, scale, ds);
}

__attribute__((target_clones("avx2", "default"))) void PrefixSoftmaxRow(const float* s,
                                                                        int64_t valid, int64_t n,
                                                                        float scale, float* p) {
  SoftmaxRow(s, NoMask{}, valid, n, scale, p);
}

__attribute__((target_clones("avx2", "default"))) void PrefixSoftmaxBackwardRow(
    const float* p, const float* dp, int64_t valid, int64_t n, float scale, float* ds) {
  SoftmaxBackwardRow(p, dp, NoMask{}, valid, n, scale, ds);
}

}  // namespace rlab::models
