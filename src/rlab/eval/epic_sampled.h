// Sample-based EPIC and STARC distances for environments with continuous (or simply too many)
// states, where the exact tabular computation of epic.h and starc.h is out of reach.
//
// EPIC (Gleave et al., "Quantifying Differences in Reward Functions", arXiv:2006.13900),
// estimated as in the paper's sample-based version: with the samples (x_j, u_j), j < M, of
// D_S and D_A from EpicSamples,
//   C(R)(s, a, s') ~ R(s, a, s') + gamma E(s') - E(s) - gamma mean_k E(x_k),
//   E(y) = (1/M) sum_j R(y, u_j, x_j),
// evaluated on the N coverage transitions, and EPIC = the Pearson distance of C(R1) and
// C(R2) over them. Using the same pairs (u_j, x_j) in every expectation makes the estimate
// exactly invariant (up to float64 rounding) to potential shaping and positive rescaling,
// not just in expectation: the sampled distance of R and a*(R + gamma Phi(s') - Phi(s)) is 0
// for any a > 0 and any Phi, whatever the samples.
//
// STARC (Skalse et al., "STARC: A General Framework For Quantifying Differences Between
// Reward Functions", arXiv:2309.15257) with the EPIC canonicalisation: s(R) = C(R) / n(C(R))
// and d = n(s(R1) - s(R2)) / 2, with n the L2 norm under the empirical coverage
// distribution (the sampled counterpart of StarcOptions::norm_weights = coverage).
//
// Cost: (2N + M) * M reward evaluations per reward, in batches of at most `batch_rows` rows,
// so memory stays bounded whatever N and M.
//
// A canonicalised reward whose spread over the samples is below float64 rounding (relative to
// the largest reward it evaluated) is treated as the zero reward: such a reward (a constant,
// or a potential-shaped constant, such as CartPole's 1 per step) induces no preference
// between transitions. It is at EPIC distance 0 from another such reward and 1/2 from any
// other; STARC standardises it to 0 (distance 1/2 from any other).
#pragma once

#include <torch/types.h>

#include <cstdint>

#include "rlab/eval/epic_samples.h"
#include "rlab/reward/signal/reward_fn.h"

namespace rlab::eval {

struct SampledEpicOptions {
  double gamma = 0.99;           // in [0, 1]
  int64_t batch_rows = 1 << 15;  // most reward evaluations in one call (cache-sized)
  void Validate() const;
};

struct SampledCanonical {
  torch::Tensor values;       // [N] float64 C(R) at the coverage transitions
  double reward_scale = 0.0;  // largest |R| evaluated
  bool constant = false;      // C(R) did not vary over the samples (values are then 0)
};

// C(R) at the coverage transitions.
SampledCanonical SampledEpicCanonicalise(const reward::RewardFn& reward, const EpicSamples& samples,
                                         const SampledEpicOptions& options = {});

// Pearson distance of two canonicalised rewards (same samples), in [0, 1].
double SampledEpicDistance(const SampledCanonical& a, const SampledCanonical& b);
double SampledEpicDistance(const reward::RewardFn& a, const reward::RewardFn& b,
                           const EpicSamples& samples, const SampledEpicOptions& options = {});

// STARC with the EPIC canonicalisation and the empirical L2 norm, in [0, 1].
double SampledStarcDistance(const SampledCanonical& a, const SampledCanonical& b);
double SampledStarcDistance(const reward::RewardFn& a, const reward::RewardFn& b,
                            const EpicSamples& samples, const SampledEpicOptions& options = {});

}  // namespace rlab::eval
