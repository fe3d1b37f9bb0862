// The guard every gradient-based trainer runs on each step: a loss or gradient norm that is not
// finite means the weights are (or after this update would be) NaN, and every later step and
// the model written at the end would be too. Training stops instead, with an error naming the
// step and the setting to lower; the run's last checkpoint stays as it was. It checks figures
// the step already holds on the host (the loss it reports, the norm that clipping computes), so
// it adds no device synchronisation.
#pragma once

#include <cstdint>
#include <string_view>

namespace rlab::models {

// `step`: the 1-based number of the step; `lower`: the settings to lower, with their values,
// e.g. "optim.learning_rate (now 1e+30)". A `grad_norm` of 0 stands for "not computed".
void CheckFiniteStep(double loss, double grad_norm, int64_t step, std::string_view lower);

}  // namespace rlab::models
