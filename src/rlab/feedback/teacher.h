// The teacher interface: a stateless rule that labels segment queries, drawing any randomness
// from the generator it is handed (so a run's labels are a function of its seed).
#pragma once

#include <string>

#include "rlab/core/rng.h"
#include "rlab/feedback/segment_query.h"

namespace rlab::feedback {

class Teacher {
 public:
  virtual ~Teacher() = default;
  // Checks the query (equal, non-zero lengths; finite rewards) and labels it.
  virtual TeacherLabel Label(const SegmentQuery& query, const TeacherContext& context,
                             Rng& rng) const = 0;
  // The teacher as a spec string with every knob, e.g. "scripted(beta=1, gamma=0.9, ...)".
  virtual std::string Describe() const = 0;
};

// Checks that a query's segments have the same, non-zero length and finite rewards.
void CheckQuery(const SegmentQuery& query);

// 1 / (1 + exp(-x)) without overflow for either sign of x.
double StableSigmoid(double x);

}  // namespace rlab::feedback
