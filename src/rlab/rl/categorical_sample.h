// One draw from a categorical distribution given by logits, shared by the agents that act with
// a softmax policy (PPO's discrete head, CPL's categorical policy).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "rlab/core/rng.h"

namespace rlab::rl {

// Index drawn from softmax(logits[0..k)) by inverting its cumulative distribution with one
// uniform draw, or the arg max (no draw) when deterministic. Writes the pick's log-probability
// to *log_prob when given.
template <class T>
int64_t SampleCategorical(const T* logits, int64_t k, bool deterministic, Rng& rng,
                          double* log_prob = nullptr) {
  const T top = *std::max_element(logits, logits + k);
  double sum = 0.0;
  for (int64_t j = 0; j < k; ++j) sum += std::exp(logits[j] - top);
  int64_t pick = std::max_element(logits, logits + k) - logits;
  if (!deterministic) {
    double u = rng.Uniform() * sum;
    pick = k - 1;
    for (int64_t j = 0; j < k; ++j) {
      u -= std::exp(logits[j] - top);
      if (u < 0) {
        pick = j;
        break;
      }
    }
  }
  if (log_prob != nullptr) *log_prob = logits[pick] - top - std::log(sum);
  return pick;
}

}  // namespace rlab::rl
