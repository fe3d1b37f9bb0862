#include "rlab/models/optim/finite_step.h"

#include <cmath>

#include "rlab/core/check.h"

namespace rlab::models {

void CheckFiniteStep(double loss, double grad_norm, int64_t step, std::string_view lower) {
  RLAB_CHECK(std::isfinite(loss) && std::isfinite(grad_norm),
             "training diverged at step {}: the loss is {} and the gradient norm {}, so the "
             "weights would become NaN; the run stops before saving them. Lower {}",
             step, loss, grad_norm, lower);
}

}  // namespace rlab::models
