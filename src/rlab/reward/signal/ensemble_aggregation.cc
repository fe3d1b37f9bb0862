#include "rlab/reward/signal/ensemble_aggregation.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <functional>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

namespace {

class FormulaAggregation : public EnsembleAggregation {
 public:
  using Formula = std::function<torch::Tensor(const torch::Tensor&)>;
  FormulaAggregation(std::string description, Formula formula)
      : description_(std::move(description)), formula_(std::move(formula)) {}
  torch::Tensor operator()(const torch::Tensor& m) const override {
    RLAB_CHECK(m.defined() && m.dim() == 2 && m.size(0) >= 1,
               "ensemble aggregation {}: member rewards must be [K, N] with K >= 1, got {}",
               description_, m.defined() ? fmt::format("{}", m.sizes()) : "nothing");
    RLAB_CHECK(torch::isfinite(m).all().item<bool>(),
               "ensemble aggregation {}: a member reward is NaN or infinite", description_);
    return formula_(m);
  }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  Formula formula_;
};

std::unique_ptr<EnsembleAggregation> Make(std::string description,
                                          FormulaAggregation::Formula formula) {
  return std::make_unique<FormulaAggregation>(std::move(description), std::move(formula));
}

}  // namespace

EnsembleAggregationRegistry& EnsembleAggregations() {
  static EnsembleAggregationRegistry registry("ensemble aggregation");
  return registry;
}

void RegisterEnsembleAggregations() {
  EnsembleAggregationRegistry& reg = EnsembleAggregations();
  if (!RegisterOnce(reg)) return;
  reg.Register({"mean", "mean over members", {}, [](const SpecArgs&) {
                  return Make("mean", [](const torch::Tensor& m) { return m.mean(0); });
                }});
  reg.Register({"wco",
                "worst-case: min over members (Coste et al., arXiv:2310.02743)",
                {},
                [](const SpecArgs&) {
                  return Make("wco", [](const torch::Tensor& m) { return m.amin(0); });
                }});
  reg.Register({"uwo",
                "uncertainty-weighted: mean - lambda * population variance over members "
                "(Coste et al., arXiv:2310.02743)",
                {{"lambda", "0.5", "weight of the variance penalty"}},
                [](const SpecArgs& a) {
                  const double lambda = a.Get<double>("lambda");
                  RLAB_CHECK(lambda >= 0, "uwo: lambda must be >= 0, got {}", lambda);
                  return Make(fmt::format("uwo(lambda={})", lambda),
                              [lambda](const torch::Tensor& m) {
                                return m.mean(0) - lambda * m.var(0, /*unbiased=*/false);
                              });
                }});
  // One member alone: the single reward model an ensemble is compared against, without
  // training a separate model (member k was trained exactly as a lone model would be).
  reg.Register(
      {"member",
       "one member's reward, the others ignored",
       {{"index", "0", "which member (from 0)"}},
       [](const SpecArgs& a) {
         const int64_t index = a.Get<int64_t>("index");
         RLAB_CHECK(index >= 0, "member: index must be >= 0, got {}", index);
         return Make(fmt::format("member(index={})", index), [index](const torch::Tensor& m) {
           RLAB_CHECK(index < m.size(0), "member: index {} but the ensemble has {} members", index,
                      m.size(0));
           return m[index].clone();
         });
       }});
}

std::unique_ptr<EnsembleAggregation> MakeEnsembleAggregation(std::string_view spec) {
  RegisterEnsembleAggregations();
  return EnsembleAggregations().Create(spec);
}

}  // namespace rlab::reward
