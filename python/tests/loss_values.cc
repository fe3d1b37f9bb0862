// The C++ engine's values of every loss, estimator, transform and aggregation that
// rewardlab.losses exposes, on fixed float64 inputs, printed as one JSON object with the inputs
// themselves. test_losses.py feeds the same inputs through the Python bindings and compares:
// this program calls the engine directly, never through the bindings. Every registered name is
// computed with its defaults (so a new registry entry is covered with no change here), plus a
// few specs with keys set.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "rlab/core/spec.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/kto_loss.h"
#include "rlab/prefopt/policy_objective.h"
#include "rlab/prefopt/pro_loss.h"
#include "rlab/reward/signal/ensemble_aggregation.h"
#include "rlab/reward/signal/kl_estimators.h"
#include "rlab/reward/signal/reward_transforms.h"
#include "rlab/rl/group_advantages.h"
#include "rlab/rl/loss_aggregations.h"

namespace {

namespace pf = rlab::prefopt;
namespace rl = rlab::rl;
namespace rw = rlab::reward;

torch::Tensor Doubles(std::vector<double> values, std::vector<int64_t> shape) {
  return torch::tensor(values, torch::kFloat64).reshape(shape);
}

std::string Number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", x);  // the shortest text that reads back as the same double
}

// {"shape": [...], "values": [...]} with the values flattened in row-major order.
std::string Json(const torch::Tensor& tensor) {
  const torch::Tensor t = tensor.detach().to(torch::kFloat64).contiguous().reshape({-1});
  std::vector<std::string> values;
  for (int64_t i = 0; i < t.numel(); ++i) values.push_back(Number(t[i].item<double>()));
  return fmt::format("{{\"shape\": [{}], \"values\": [{}]}}", fmt::join(tensor.sizes(), ", "),
                     fmt::join(values, ", "));
}

// {"key": value, ...} from already rendered values.
std::string Object(const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : members) parts.push_back(fmt::format("\"{}\": {}", key, value));
  return "{" + fmt::format("{}", fmt::join(parts, ", ")) + "}";
}

// The registry's names with their defaults, then `extra` specs.
template <class Registry>
std::vector<std::string> Specs(const Registry& registry, std::vector<std::string> extra) {
  std::vector<std::string> specs = registry.List();
  specs.insert(specs.end(), extra.begin(), extra.end());
  return specs;
}

}  // namespace

int main() {
  // Pairs: B = 4.
  pf::PreferenceLogps p;
  p.chosen = Doubles({-12.5, -30.25, -7.0, -18.0}, {4});
  p.rejected = Doubles({-14.0, -29.0, -9.5, -17.25}, {4});
  p.ref_chosen = Doubles({-13.0, -29.5, -7.75, -18.5}, {4});
  p.ref_rejected = Doubles({-13.5, -29.75, -9.0, -16.0}, {4});
  p.chosen_tokens = torch::tensor({5, 12, 3, 8}, torch::kInt64);
  p.rejected_tokens = torch::tensor({6, 11, 4, 7}, torch::kInt64);
  p.margins = Doubles({0.5, 2.0, 0.0, 1.25}, {4});
  // Groups: 3 prompts of 4 completions, rewards in [0, 1] (bnpo's default range); the middle
  // group is constant.
  const torch::Tensor rewards = Doubles({1, 0, 0.5, 0.25, 0.5, 0.5, 0.5, 0.5, 0, 0, 1, 0.75}, {12});
  const int64_t group_size = 4;
  const torch::Tensor logps = Doubles({-0.5, -1.25, -2.0, -0.1, -3.0, -0.75}, {2, 3});
  const torch::Tensor ref_logps = Doubles({-0.75, -1.0, -2.5, -0.1, -2.0, -1.5}, {2, 3});
  const torch::Tensor scores = Doubles({0.3, -1.2, 2.5, 0.0, 1.1, -0.4}, {6});
  const torch::Tensor reference_scores = Doubles({0.1, -0.2, 1.5, 0.5, 1.1, -2.0}, {6});
  const torch::Tensor members = Doubles(
      {0.1, 0.5, -0.3, 1.0, 2.0, 0.3, 0.4, -0.1, 0.8, 1.5, -0.2, 0.9, 0.0, 1.2, 2.5}, {3, 5});
  const torch::Tensor per_token =
      Doubles({0.5, -0.25, 1.0, 0.75, 2.0, 0.1, -0.3, 0.2, 0.4, 0.6, 0.8, 1.0}, {3, 4});
  const torch::Tensor mask = Doubles({1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1}, {3, 4});
  const pf::KtoInputs kto{Doubles({-10.0, -4.5, -7.25, -12.0}, {4}),
                          Doubles({-9.5, -5.0, -7.0, -11.0}, {4}),
                          torch::tensor({true, false, true, false}),
                          Doubles({-20.0, -15.5, -18.0}, {3}), Doubles({-21.0, -15.0, -18.5}, {3})};
  const torch::Tensor ranked_logps = Doubles({-5.0, -6.5, -9.0, -12.0, -11.0, -15.5}, {2, 3});
  const torch::Tensor ranked_tokens =
      torch::tensor({4, 5, 7, 9, 8, 10}, torch::kInt64).reshape({2, 3});

  std::vector<std::pair<std::string, std::string>> out;
  out.push_back({"inputs", Object({{"policy_chosen_logps", Json(p.chosen)},
                                   {"policy_rejected_logps", Json(p.rejected)},
                                   {"reference_chosen_logps", Json(p.ref_chosen)},
                                   {"reference_rejected_logps", Json(p.ref_rejected)},
                                   {"chosen_lengths", Json(p.chosen_tokens)},
                                   {"rejected_lengths", Json(p.rejected_tokens)},
                                   {"margins", Json(p.margins)},
                                   {"rewards", Json(rewards)},
                                   {"group_size", std::to_string(group_size)},
                                   {"logps", Json(logps)},
                                   {"ref_logps", Json(ref_logps)},
                                   {"scores", Json(scores)},
                                   {"reference_scores", Json(reference_scores)},
                                   {"member_rewards", Json(members)},
                                   {"per_token_loss", Json(per_token)},
                                   {"mask", Json(mask)},
                                   {"kto_policy_logps", Json(kto.logps)},
                                   {"kto_reference_logps", Json(kto.ref_logps)},
                                   {"kto_desirable", Json(kto.desirable)},
                                   {"kto_kl_policy_logps", Json(kto.kl_logps)},
                                   {"kto_kl_reference_logps", Json(kto.kl_ref_logps)},
                                   {"ranked_logps", Json(ranked_logps)},
                                   {"ranked_lengths", Json(ranked_tokens)}})});

  pf::RegisterDpoLosses();
  // Token-level losses read per-token log-ratios and token rewards, which rewardlab.losses does
  // not pass (it scores whole sequences, as rlab dpo does): they are listed, not compared.
  const std::vector<std::string> token_level = {"t_reg", "tgdpo"};
  std::vector<std::pair<std::string, std::string>> dpo;
  for (const std::string& spec :
       Specs(pf::DpoLosses(), {"sigmoid(beta=0.5)", "simpo(beta=2.5, gamma=0.3)",
                               "bco_pair(running_mean=false)", "vpo(calibration=pair, sign=1)"})) {
    if (std::find(token_level.begin(), token_level.end(), spec) != token_level.end()) continue;
    const pf::DpoLossOutput o = (*pf::MakeDpoLoss(spec))(p);  // a fresh loss: no carried state
    dpo.push_back({spec, Object({{"loss", Json(o.loss)},
                                 {"chosen_rewards", Json(o.chosen_rewards)},
                                 {"rejected_rewards", Json(o.rejected_rewards)}})});
  }
  const pf::DpoLossOutput weighted =
      (*pf::MakeWeightedDpoLoss({{"sigmoid", 1.0}, {"sft", 0.5}}))(p);
  out.push_back({"dpo_losses", Object(dpo)});
  std::vector<std::string> quoted;
  for (const std::string& name : token_level) quoted.push_back("\"" + name + "\"");
  out.push_back({"dpo_losses_token_level", "[" + fmt::format("{}", fmt::join(quoted, ", ")) + "]"});
  out.push_back({"weighted_sigmoid_1_sft_0.5", Json(weighted.loss)});

  rl::RegisterGroupAdvantages();
  std::vector<std::pair<std::string, std::string>> advantages;
  for (const std::string& spec :
       Specs(rl::GroupAdvantages(), {"grpo(scale_rewards=false)",
                                     "reinforce_pp(group_baseline=true)", "bnpo(max_weight=2)"})) {
    advantages.push_back({spec, Json((*rl::MakeGroupAdvantage(spec))(rewards, group_size))});
  }
  out.push_back({"group_advantages", Object(advantages)});

  std::vector<std::pair<std::string, std::string>> kl;
  for (const auto e : {rw::KlEstimator::kK1, rw::KlEstimator::kK2, rw::KlEstimator::kK3}) {
    kl.push_back({rw::KlEstimatorName(e), Json(rw::PerTokenKl(logps, ref_logps, e))});
  }
  out.push_back({"kl_estimators", Object(kl)});

  rw::RegisterRewardTransforms();
  std::vector<std::pair<std::string, std::string>> transforms;
  for (const std::string& spec :
       Specs(rw::RewardTransforms(), {"clip(low=-0.5, high=1)", "standardise(eps=0.1)"})) {
    transforms.push_back({spec, Json((*rw::MakeRewardTransform(spec))(scores, reference_scores))});
  }
  out.push_back({"reward_transforms", Object(transforms)});

  rw::RegisterEnsembleAggregations();
  std::vector<std::pair<std::string, std::string>> ensembles;
  for (const std::string& spec :
       Specs(rw::EnsembleAggregations(), {"uwo(lambda=2)", "member(index=2)"})) {
    ensembles.push_back({spec, Json((*rw::MakeEnsembleAggregation(spec))(members))});
  }
  out.push_back({"ensemble_aggregations", Object(ensembles)});

  rl::RegisterLossAggregations();
  std::vector<std::pair<std::string, std::string>> reductions;
  for (const std::string& spec : Specs(rl::LossAggregations(), {})) {
    const auto a = rl::MakeLossAggregation(spec);
    reductions.push_back({spec, Object({{"0", Json(a->Reduce(per_token, mask, 0))},
                                        {"6", Json(a->Reduce(per_token, mask, 6))}})});
  }
  out.push_back({"loss_aggregations", Object(reductions)});

  const pf::KtoOutput k = pf::KtoLoss(kto, pf::KtoOptions{});
  pf::KtoOptions weighted_kto;
  weighted_kto.beta = 0.5;
  weighted_kto.undesirable_weight = 1.5;
  out.push_back({"kto", Object({{"loss", Json(k.loss)},
                                {"rewards", Json(k.rewards)},
                                {"reference_point", Json(k.reference_point)}})});
  out.push_back({"kto_beta_0.5_undesirable_1.5", Json(pf::KtoLoss(kto, weighted_kto).loss)});
  const double default_sft_weight =
      rlab::SpecArgs(rlab::Spec::Parse("pro"), pf::ProObjectiveEntry().keys, "policy objective")
          .Get<double>("sft_weight");
  out.push_back({"pro", Json(pf::ProLoss(ranked_logps, ranked_tokens, default_sft_weight))});
  out.push_back({"pro_sft_weight_0.5", Json(pf::ProLoss(ranked_logps, ranked_tokens, 0.5))});
  std::cout << Object(out) << "\n";
  return 0;
}
