#include "rlab/feedback/query_schedule.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::feedback {

int64_t QuerySchedule::BatchSize(int64_t base_batch, int64_t step, int64_t total_steps) const {
  RLAB_CHECK(base_batch >= 0, "query schedule: base batch must be >= 0, got {}", base_batch);
  RLAB_CHECK(total_steps >= 1 && step >= 0 && step <= total_steps,
             "query schedule: step must be in [0, total_steps = {}], got {}", total_steps, step);
  return static_cast<int64_t>(
      std::floor(static_cast<double>(base_batch) * Fraction(step, total_steps)));
}

int64_t ClampToBudget(int64_t batch, int64_t asked, int64_t budget) {
  return std::max<int64_t>(0, std::min(batch, budget - asked));
}

namespace {

class ConstantSchedule final : public QuerySchedule {
 public:
  double Fraction(int64_t, int64_t) const override { return 1.0; }
  std::string Describe() const override { return "constant"; }
};

// B-Pref reward_schedule 1: the fraction of the run left, 0.01 at the very end.
class LinearSchedule final : public QuerySchedule {
 public:
  double Fraction(int64_t step, int64_t total) const override {
    const double frac = static_cast<double>(total - step) / static_cast<double>(total);
    return frac == 0.0 ? 0.01 : frac;
  }
  std::string Describe() const override { return "linear"; }
};

// B-Pref reward_schedule 2: T / (T - t + 1).
class HyperbolicSchedule final : public QuerySchedule {
 public:
  double Fraction(int64_t step, int64_t total) const override {
    return static_cast<double>(total) / static_cast<double>(total - step + 1);
  }
  std::string Describe() const override { return "hyperbolic"; }
};

template <class T>
void Add(QueryScheduleRegistry& r, std::string name, std::string help) {
  r.Register(
      {std::move(name), std::move(help), {}, [](const SpecArgs&) -> std::unique_ptr<QuerySchedule> {
         return std::make_unique<T>();
       }});
}

}  // namespace

QueryScheduleRegistry& QuerySchedules() {
  static QueryScheduleRegistry registry("query schedule");
  return registry;
}

void RegisterQuerySchedules() {
  QueryScheduleRegistry& r = QuerySchedules();
  if (!RegisterOnce(r)) return;
  Add<ConstantSchedule>(r, "constant", "B-Pref schedule 0: every round asks the base batch");
  Add<LinearSchedule>(r, "linear", "B-Pref schedule 1: base * (T - t) / T (0.01 at t = T)");
  Add<HyperbolicSchedule>(r, "hyperbolic", "B-Pref schedule 2: base * T / (T - t + 1)");
}

std::unique_ptr<QuerySchedule> MakeQuerySchedule(std::string_view spec) {
  RegisterQuerySchedules();
  return QuerySchedules().Create(spec);
}

}  // namespace rlab::feedback
