// rewardlab._core.losses (see bindings.h for the conventions): the preference losses on the
// user's own tensors (the DPO registry under TRL's loss names, KTO, PRO); the estimators and
// aggregations are bound by losses_estimators.cc. The tensors passed in are the ones the losses
// compute with, so a loss's gradient reaches them through torch's autograd.
#include <fmt/format.h>
#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bindings.h"
#include "losses_common.h"
#include "rlab/core/registry.h"
#include "rlab/core/spec.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/kto_loss.h"
#include "rlab/prefopt/policy_objective.h"
#include "rlab/prefopt/pro_loss.h"

namespace rewardlab_python {
namespace {

namespace pf = rlab::prefopt;
using losses::Floating;
using losses::OptionalFloating;
using Tensors3 = std::tuple<torch::Tensor, torch::Tensor, torch::Tensor>;
using OptionalTensor = std::optional<torch::Tensor>;

Tensors3 CallDpoLoss(const pf::DpoLoss& loss, const torch::Tensor& policy_chosen,
                     const torch::Tensor& policy_rejected, const OptionalTensor& reference_chosen,
                     const OptionalTensor& reference_rejected, const OptionalTensor& chosen_lengths,
                     const OptionalTensor& rejected_lengths, const OptionalTensor& margins) {
  const std::string what = loss.Describe();
  pf::PreferenceLogps p;
  p.chosen = Floating(policy_chosen, what, "policy_chosen_logps");
  p.rejected = Floating(policy_rejected, what, "policy_rejected_logps");
  p.ref_chosen = OptionalFloating(reference_chosen, what, "reference_chosen_logps");
  p.ref_rejected = OptionalFloating(reference_rejected, what, "reference_rejected_logps");
  RLAB_CHECK(!loss.NeedsReference() || (p.ref_chosen.defined() && p.ref_rejected.defined()),
             "{} compares the policy with a reference: pass reference_chosen_logps and "
             "reference_rejected_logps ([B] each)",
             what);
  p.chosen_tokens = losses::OrUndefined(chosen_lengths);
  p.rejected_tokens = losses::OrUndefined(rejected_lengths);
  p.margins = OptionalFloating(margins, what, "margins");
  const pf::DpoLossOutput out = losses::TorchErrorsNamed(what, [&] { return loss(p); });
  return {out.loss, out.chosen_rewards, out.rejected_rewards};
}

void BindDpoLosses(py::module_& m) {
  losses::BindRegistryListing(m, "dpo_losses", "DPO-family loss (TRL's loss_type names)",
                              &pf::DpoLosses, &pf::RegisterDpoLosses);
  py::class_<pf::DpoLoss, std::unique_ptr<pf::DpoLoss>>(
      m, "DPOLoss",
      "A DPO-family loss built once from its spec, `name` or `name(key=value, ...)`, as the "
      "rlab command line takes it; calling it scores a batch of pairs. It keeps the state some "
      "losses carry from batch to batch (bco_pair's running mean of the rewards).")
      .def(py::init([](const std::string& spec) { return pf::MakeDpoLoss(spec); }), py::arg("spec"),
           "One loss from its spec, e.g. 'sigmoid(beta=0.1)'.")
      .def(py::init([](const std::vector<std::pair<std::string, double>>& specs_and_weights) {
             return pf::MakeWeightedDpoLoss(specs_and_weights);
           }),
           py::arg("specs_and_weights"),
           "A weighted sum of losses (TRL's loss_type list with loss_weights); the rewards "
           "returned are the first loss's.")
      .def("__call__", &CallDpoLoss, py::arg("policy_chosen_logps"),
           py::arg("policy_rejected_logps"), py::arg("reference_chosen_logps") = py::none(),
           py::arg("reference_rejected_logps") = py::none(), py::arg("chosen_lengths") = py::none(),
           py::arg("rejected_lengths") = py::none(), py::arg("margins") = py::none(),
           "Summed completion log-probs [B] (and lengths in tokens [B] for the length-averaged "
           "losses, reward margins [B] for mm_dpo) -> (loss, chosen_rewards, rejected_rewards); "
           "the rewards are detached.")
      .def_property_readonly("needs_reference", &pf::DpoLoss::NeedsReference,
                             "Whether the loss reads the reference model's log-probs.")
      .def("describe", &pf::DpoLoss::Describe, "The loss's spec with every key's value.")
      .def("__repr__", [](const pf::DpoLoss& loss) {
        return fmt::format("rewardlab.losses.DPOLoss('{}')", loss.Describe());
      });
}

void BindKtoAndPro(py::module_& m) {
  m.def(
      "kto_loss",
      [](const torch::Tensor& policy_logps, const torch::Tensor& reference_logps,
         const torch::Tensor& desirable, const torch::Tensor& kl_policy_logps,
         const torch::Tensor& kl_reference_logps, std::optional<double> beta,
         std::optional<double> desirable_weight, std::optional<double> undesirable_weight) {
        pf::KtoOptions options;  // the engine's defaults for what is not given
        options.beta = beta.value_or(options.beta);
        options.desirable_weight = desirable_weight.value_or(options.desirable_weight);
        options.undesirable_weight = undesirable_weight.value_or(options.undesirable_weight);
        const char* what = "kto";
        const pf::KtoInputs inputs{Floating(policy_logps, what, "policy_logps"),
                                   Floating(reference_logps, what, "reference_logps"), desirable,
                                   Floating(kl_policy_logps, what, "kl_policy_logps"),
                                   Floating(kl_reference_logps, what, "kl_reference_logps")};
        const pf::KtoOutput out =
            losses::TorchErrorsNamed(what, [&] { return pf::KtoLoss(inputs, options); });
        return Tensors3{out.loss, out.rewards, out.reference_point};
      },
      py::arg("policy_logps"), py::arg("reference_logps"), py::arg("desirable"),
      py::arg("kl_policy_logps"), py::arg("kl_reference_logps"), py::arg("beta") = py::none(),
      py::arg("desirable_weight") = py::none(), py::arg("undesirable_weight") = py::none(),
      "KTO on unpaired completions [B] labelled desirable (bool [B]), with the reference point "
      "estimated from mismatched pairs [M] -> (loss, rewards [B], reference_point).");
  m.def(
      "pro_loss",
      [](const torch::Tensor& logps, const torch::Tensor& lengths,
         std::optional<double> sft_weight) {
        const double weight =
            sft_weight.value_or(rlab::SpecArgs(rlab::Spec::Parse("pro"),
                                               pf::ProObjectiveEntry().keys, "policy objective")
                                    .Get<double>("sft_weight"));
        const char* what = "pro";
        return losses::TorchErrorsNamed(
            what, [&] { return pf::ProLoss(Floating(logps, what, "logps"), lengths, weight); });
      },
      py::arg("logps"), py::arg("lengths"), py::arg("sft_weight") = py::none(),
      "PRO's Plackett-Luce loss over rankings: summed log-probs [B, K], best first, and "
      "lengths in tokens [B, K] -> scalar.");
}

}  // namespace

void BindLosses(py::module_& m) {
  BindDpoLosses(m);
  BindKtoAndPro(m);
  losses::BindEstimators(m);
}

}  // namespace rewardlab_python
