#include "rlab/feedback/teacher.h"

#include <cmath>

#include "rlab/core/check.h"

namespace rlab::feedback {

void CheckQuery(const SegmentQuery& query) {
  RLAB_CHECK(!query.first.empty() && !query.second.empty(),
             "teacher query: segments must not be empty (got lengths {} and {})",
             query.first.size(), query.second.size());
  RLAB_CHECK(query.first.size() == query.second.size(),
             "teacher query: both segments must have the same length H, got {} and {}",
             query.first.size(), query.second.size());
  for (size_t k = 0; k < query.first.size(); ++k) {
    RLAB_CHECK(std::isfinite(query.first[k]) && std::isfinite(query.second[k]),
               "teacher query: step {} has a non-finite true reward ({} in the first segment, {} "
               "in the second); check the environment's rewards",
               k, query.first[k], query.second[k]);
  }
}

double StableSigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

}  // namespace rlab::feedback
