// Where a batch's units sit among its sequences, for the policy objectives: the units'
// sequences are laid out one unit after another, so a unit's k-th sequence is at its start + k.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "rlab/prefopt/policy_units.h"

namespace rlab::prefopt {

// The row of each unit's first sequence in the batch's order.
std::vector<int64_t> UnitStarts(const std::vector<const PolicyUnit*>& units);
// values[rows]: [rows.size()].
torch::Tensor PickRows(const torch::Tensor& values, const std::vector<int64_t>& rows);
// Each unit's reward margin, [units.size()] float64 on the device of `like`; undefined when a
// unit has none.
torch::Tensor UnitMargins(const std::vector<const PolicyUnit*>& units, const torch::Tensor& like);
// The mean of a tensor's elements; NaN for an empty one (a figure the batch cannot measure).
double MeanOrNan(const torch::Tensor& t);

}  // namespace rlab::prefopt
