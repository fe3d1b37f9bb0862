#include "rlab/reward/signal/prm_aggregation.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <utility>

namespace rlab::reward {

namespace {

// An aggregation of the step scores of a completion that has at least one step.
class StepFold : public PrmAggregation {
 public:
  StepFold(std::string name, std::function<double(const std::vector<double>&)> fold)
      : name_(std::move(name)), fold_(std::move(fold)) {}
  double operator()(const std::vector<double>& step_scores) const override {
    return step_scores.empty() ? 0.0 : fold_(step_scores);
  }
  std::string Describe() const override { return name_; }

 private:
  std::string name_;
  std::function<double(const std::vector<double>&)> fold_;
};

PrmAggregationRegistry::Entry FoldEntry(std::string name, std::string help,
                                        std::function<double(const std::vector<double>&)> fold) {
  return {name, std::move(help), {}, [name, fold](const SpecArgs&) {
            return std::make_unique<StepFold>(name, fold);
          }};
}

}  // namespace

PrmAggregationRegistry& PrmAggregations() {
  static PrmAggregationRegistry registry("PRM aggregation");
  return registry;
}

void RegisterPrmAggregations() {
  PrmAggregationRegistry& r = PrmAggregations();
  if (!RegisterOnce(r)) return;
  r.Register(FoldEntry("min", "the weakest step's score", [](const std::vector<double>& p) {
    return *std::min_element(p.begin(), p.end());
  }));
  r.Register(
      FoldEntry("product", "the product of the steps' scores", [](const std::vector<double>& p) {
        return std::accumulate(p.begin(), p.end(), 1.0, std::multiplies<>());
      }));
  r.Register(FoldEntry("last", "the final step's score",
                       [](const std::vector<double>& p) { return p.back(); }));
  r.Register(FoldEntry("mean", "the mean of the steps' scores", [](const std::vector<double>& p) {
    return std::accumulate(p.begin(), p.end(), 0.0) / static_cast<double>(p.size());
  }));
}

std::unique_ptr<PrmAggregation> MakePrmAggregation(std::string_view spec) {
  RegisterPrmAggregations();
  return PrmAggregations().Create(spec);
}

}  // namespace rlab::reward
