// A simulated teacher that compares two items by their hidden returns with Bradley-Terry
// (logistic) noise and then makes independent mistakes:
//   P(a preferred to b) = sigmoid(beta * (R_a - R_b)); deterministic when beta <= 0;
//   the label is then flipped with probability `mistake`.
// The stochastic and mistake teachers of B-Pref (Lee et al., "B-Pref: Benchmarking
// Preference-Based Reinforcement Learning", arXiv:2111.03026) are special cases.
#pragma once

#include "rlab/core/rng.h"

namespace rlab::feedback {

class BradleyTerryTeacher {
 public:
  BradleyTerryTeacher(double beta, double mistake);

  // 1 when a is preferred to b, 0 otherwise (exact ties go to a fair coin).
  double Label(double return_a, double return_b, Rng& rng) const;
  // The probability that Label(...) returns 1, before mistakes are applied.
  double PreferenceProbability(double return_a, double return_b) const;

 private:
  double beta_;
  double mistake_;
};

}  // namespace rlab::feedback
