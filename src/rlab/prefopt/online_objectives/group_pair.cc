#include "rlab/prefopt/online_objectives/group_pair.h"

#include <torch/torch.h>

#include "rlab/prefopt/unit_rows.h"

namespace rlab::prefopt {

std::vector<KeyDoc> GroupPairKeys() {
  return {{"loss", "sigmoid",
           "the pair loss, a DPO loss spec (sigmoid, ipo, hinge, robust, ...; "
           "may carry its own options)"},
          {"beta", "0.1", "beta of the loss unless its spec sets one"}};
}

std::unique_ptr<DpoLoss> MakeGroupPairLoss(const SpecArgs& args) {
  RegisterDpoLosses();
  Spec loss = Spec::Parse(args.Raw("loss"));
  bool takes_beta = false, sets_beta = false;
  for (const KeyDoc& k : DpoLosses().Get(loss.name).keys) takes_beta |= k.name == "beta";
  for (const auto& [key, value] : loss.args) sets_beta |= key == "beta";
  if (takes_beta && !sets_beta) loss.args.emplace_back("beta", args.Raw("beta"));
  return MakeDpoLoss(loss.ToString());
}

OnlineLoss GroupPairLoss(const DpoLoss& loss, const OnlineBatch& batch, const GroupPairs& pairs) {
  const auto pick = [](const torch::Tensor& per_sample, const torch::Tensor& rows) {
    return per_sample.reshape({-1}).index_select(0, rows);  // [N]
  };
  const PreferenceLogps logps{
      pick(batch.logps, pairs.chosen),     pick(batch.logps, pairs.rejected),
      pick(batch.ref_logps, pairs.chosen), pick(batch.ref_logps, pairs.rejected),
      pick(batch.tokens, pairs.chosen),    pick(batch.tokens, pairs.rejected)};
  const DpoLossOutput out = loss(logps);
  const torch::Tensor margins = out.chosen_rewards - out.rejected_rewards;  // [N]
  return {out.loss,
          {{"rewards/chosen", MeanOrNan(out.chosen_rewards)},
           {"rewards/rejected", MeanOrNan(out.rejected_rewards)},
           {"rewards/accuracies", MeanOrNan((margins > 0).to(torch::kFloat64))},
           {"rewards/margins", MeanOrNan(margins)},
           {"logps/chosen", MeanOrNan(logps.chosen.detach())},
           {"logps/rejected", MeanOrNan(logps.rejected.detach())},
           {"pair/judged_preference", MeanOrNan(pairs.judged)}}};
}

}  // namespace rlab::prefopt
