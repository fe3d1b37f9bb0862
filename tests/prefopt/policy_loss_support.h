// Helpers for the tests of policy objectives: a figure of a loss result by name, and pointers
// to a batch's units as PolicyObjective::Loss takes them.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "rlab/prefopt/policy_objective.h"

namespace rlab::testing {

// The figure `name` of `r`; NaN and a test failure when it is missing.
inline double PolicyMetric(const prefopt::PolicyLossResult& r, const std::string& name) {
  for (const auto& [k, v] : r.metrics) {
    if (k == name) return v;
  }
  ADD_FAILURE() << name << " missing";
  return std::nan("");
}

inline std::vector<const prefopt::PolicyUnit*> PolicyUnitPointers(
    const std::vector<prefopt::PolicyUnit>& units) {
  std::vector<const prefopt::PolicyUnit*> out;
  for (const auto& u : units) out.push_back(&u);
  return out;
}

}  // namespace rlab::testing
