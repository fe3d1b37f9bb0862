// rewardlab._core.losses, the estimators and aggregations on the user's own tensors: group
// advantages, per-token KL estimates, reward transforms, ensemble aggregation and the
// aggregation of token losses. Each registry-backed function takes a spec, `name` or
// `name(key=value, ...)`, as the rlab command line does, and builds the registry's entry for it.
#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "losses_common.h"
#include "rlab/core/shape_format.h"
#include "rlab/reward/signal/ensemble_aggregation.h"
#include "rlab/reward/signal/kl_estimators.h"
#include "rlab/reward/signal/reward_transforms.h"
#include "rlab/rl/group_advantages.h"
#include "rlab/rl/loss_aggregations.h"

namespace rewardlab_python::losses {

namespace {

namespace rl = rlab::rl;
namespace rw = rlab::reward;

void BindGroupAdvantages(py::module_& m) {
  BindRegistryListing(m, "group_advantages", "group advantage estimator", &rl::GroupAdvantages,
                      &rl::RegisterGroupAdvantages);
  m.def(
      "group_advantages",
      [](const torch::Tensor& rewards, int64_t group_size, const std::string& estimator) {
        const auto advantage = rl::MakeGroupAdvantage(estimator);
        const std::string what = advantage->Describe();
        return TorchErrorsNamed(
            what, [&] { return (*advantage)(Floating(rewards, what, "rewards"), group_size); });
      },
      py::arg("rewards"), py::arg("group_size"), py::arg("estimator"),
      "rewards [N = P * group_size], each prompt's completions contiguous -> advantages [N], "
      "no gradient.");
}

void BindKlEstimators(py::module_& m) {
  m.def(
      "list_kl_estimators",
      [] {
        std::vector<std::string> names;
        for (const auto e : {rw::KlEstimator::kK1, rw::KlEstimator::kK2, rw::KlEstimator::kK3}) {
          names.push_back(rw::KlEstimatorName(e));
        }
        return names;
      },
      "The KL estimators' names (TRL's and verl's kl, mse and low_var_kl are also accepted).");
  m.def(
      "per_token_kl",
      [](const torch::Tensor& logps, const torch::Tensor& ref_logps, const std::string& estimator) {
        const rw::KlEstimator which = rw::ParseKlEstimator(estimator);
        const std::string what = "KL estimator " + rw::KlEstimatorName(which);
        return TorchErrorsNamed(what, [&] {
          return rw::PerTokenKl(Floating(logps, what, "logps"),
                                Floating(ref_logps, what, "ref_logps"), which);
        });
      },
      py::arg("logps"), py::arg("ref_logps"), py::arg("estimator"),
      "Log-probs of sampled tokens under the policy and the reference, [..., T] each -> "
      "per-token estimates of KL(policy || reference) [..., T], differentiable in both.");
}

void BindRewardTransforms(py::module_& m) {
  BindRegistryListing(m, "reward_transforms", "reward transform", &rw::RewardTransforms,
                      &rw::RegisterRewardTransforms);
  m.def(
      "transform_rewards",
      [](const torch::Tensor& rewards, const std::string& transform,
         const std::optional<torch::Tensor>& reference_rewards) {
        const auto t = rw::MakeRewardTransform(transform);
        const std::string what = "reward transform " + t->Describe();
        return TorchErrorsNamed(what, [&] {
          return (*t)(Floating(rewards, what, "rewards"),
                      OptionalFloating(reference_rewards, what, "reference_rewards"));
        });
      },
      py::arg("rewards"), py::arg("transform"), py::arg("reference_rewards") = py::none(),
      "rewards [N] (and the reference completions' rewards [N], or [N, M] for par) -> [N].");
  m.def(
      "reward_transform_needs_reference",
      [](const std::string& transform) {
        return rw::MakeRewardTransform(transform)->NeedsReference();
      },
      py::arg("transform"), "Whether the transform reads reference_rewards.");
}

void BindAggregations(py::module_& m) {
  BindRegistryListing(m, "ensemble_aggregations", "ensemble aggregation", &rw::EnsembleAggregations,
                      &rw::RegisterEnsembleAggregations);
  m.def(
      "aggregate_ensemble",
      [](const torch::Tensor& member_rewards, const std::string& aggregation) {
        const auto a = rw::MakeEnsembleAggregation(aggregation);
        const std::string what = "ensemble aggregation " + a->Describe();
        return TorchErrorsNamed(
            what, [&] { return (*a)(Floating(member_rewards, what, "member_rewards")); });
      },
      py::arg("member_rewards"), py::arg("aggregation"),
      "The rewards of K ensemble members [K, N] -> one reward per completion [N].");
  BindRegistryListing(m, "loss_aggregations", "loss aggregation (TRL's GRPO loss_type names)",
                      &rl::LossAggregations, &rl::RegisterLossAggregations);
  m.def(
      "aggregate_loss",
      [](const torch::Tensor& per_token_loss, const torch::Tensor& mask,
         const std::string& loss_type, int64_t max_completion_length) {
        const auto a = rl::MakeLossAggregation(loss_type);
        const std::string what = "loss aggregation " + a->Describe();
        const torch::Tensor& l = Floating(per_token_loss, what, "per_token_loss");
        RLAB_CHECK(l.dim() == 2 && mask.sizes() == l.sizes(),
                   "{}: per_token_loss and mask must both be [B, T], got {} and {}", what,
                   l.sizes(), mask.sizes());
        RLAB_CHECK(max_completion_length >= 0, "{}: max_completion_length must be >= 0, got {}",
                   what, max_completion_length);
        return TorchErrorsNamed(
            what, [&] { return a->Reduce(l, mask.to(l.dtype()), max_completion_length); });
      },
      py::arg("per_token_loss"), py::arg("mask"), py::arg("loss_type"),
      py::arg("max_completion_length"),
      "Token losses [B, T] over a mask of completion tokens [B, T] (bool or 0/1) -> scalar; "
      "max_completion_length 0 takes T.");
}

}  // namespace

void BindEstimators(py::module_& m) {
  BindGroupAdvantages(m);
  BindKlEstimators(m);
  BindRewardTransforms(m);
  BindAggregations(m);
}

}  // namespace rewardlab_python::losses
