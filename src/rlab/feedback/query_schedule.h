// Query schedules: how many queries a feedback round asks, as the run progresses. These are
// the schedules of B-Pref's code (Lee et al., "B-Pref: Benchmarking Preference-Based
// Reinforcement Learning", arXiv:2111.03026; its train_PEBBLE.py option `reward_schedule`),
// with t the environment step at which the round is taken and T the run's total steps:
//
//   constant    batch = base                                         (reward_schedule 0)
//   linear      batch = floor(base * (T - t) / T), the fraction 0 at t = T replaced by 0.01
//                                                                    (reward_schedule 1)
//   hyperbolic  batch = floor(base * T / (T - t + 1))                (reward_schedule 2)
//
// Note the direction: B-Pref's hyperbolic schedule grows as the run advances (1/(1 - progress)
// with progress = (t - 1) / T; at t = 0 it is T / (T + 1), just under 1, and at t = T it is T),
// while linear decays to nothing. The floor is B-Pref's int(). Each round is then clamped to
// the feedback budget left (ClampToBudget), as train_PEBBLE.py does with max_feedback.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"

namespace rlab::feedback {

class QuerySchedule {
 public:
  virtual ~QuerySchedule() = default;
  // The fraction of the base batch asked at step `step` of `total_steps`.
  virtual double Fraction(int64_t step, int64_t total_steps) const = 0;
  // floor(base_batch * Fraction(step, total_steps)), checked.
  int64_t BatchSize(int64_t base_batch, int64_t step, int64_t total_steps) const;
  virtual std::string Describe() const = 0;
};

// min(batch, budget - asked), never negative: skipped queries count as asked.
int64_t ClampToBudget(int64_t batch, int64_t asked, int64_t budget);

using QueryScheduleRegistry = Registry<QuerySchedule>;
QueryScheduleRegistry& QuerySchedules();
// Registers constant, linear and hyperbolic (safe to call more than once).
void RegisterQuerySchedules();
std::unique_ptr<QuerySchedule> MakeQuerySchedule(std::string_view spec);

}  // namespace rlab::feedback
