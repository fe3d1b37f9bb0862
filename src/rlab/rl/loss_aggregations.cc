#include "rlab/rl/loss_aggregations.h"

#include <torch/torch.h>

#include <functional>

namespace rlab::rl {

namespace {

using Reducer = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&, int64_t)>;

class NamedLossAggregation : public LossAggregation {
 public:
  NamedLossAggregation(std::string name, Reducer reduce)
      : name_(std::move(name)), reduce_(std::move(reduce)) {}
  torch::Tensor Reduce(const torch::Tensor& per_token, const torch::Tensor& mask,
                       int64_t max_completion_length) const override {
    return reduce_(per_token, mask, max_completion_length);
  }
  std::string Describe() const override { return name_; }

 private:
  std::string name_;
  Reducer reduce_;
};

LossAggregationRegistry::Entry AggregationEntry(std::string name, std::string help,
                                                Reducer reduce) {
  return {name, std::move(help), {}, [name, reduce](const SpecArgs&) {
            return std::make_unique<NamedLossAggregation>(name, reduce);
          }};
}

}  // namespace

LossAggregationRegistry& LossAggregations() {
  static LossAggregationRegistry registry("loss aggregation");
  return registry;
}

void RegisterLossAggregations() {
  LossAggregationRegistry& r = LossAggregations();
  if (!RegisterOnce(r)) return;
  r.Register(AggregationEntry(
      "grpo", "each sequence's token mean, then the mean over sequences (DeepSeekMath)",
      [](const torch::Tensor& l, const torch::Tensor& m, int64_t) {
        return ((l * m).sum(1) / m.sum(1).clamp_min(1)).mean();  // [B] -> scalar
      }));
  r.Register(AggregationEntry(
      "dr_grpo", "token sum over batch size times the maximum completion length (Dr. GRPO)",
      [](const torch::Tensor& l, const torch::Tensor& m, int64_t max_completion_length) {
        const int64_t len = max_completion_length > 0 ? max_completion_length : l.size(1);
        return (l * m).sum() / static_cast<double>(l.size(0) * len);
      }));
  r.Register(AggregationEntry("dapo", "one token-level mean over the batch (DAPO)",
                              [](const torch::Tensor& l, const torch::Tensor& m, int64_t) {
                                return (l * m).sum() / m.sum().clamp_min(1);
                              }));
}

std::unique_ptr<LossAggregation> MakeLossAggregation(std::string_view spec) {
  RegisterLossAggregations();
  return LossAggregations().Create(spec);
}

}  // namespace rlab::rl
