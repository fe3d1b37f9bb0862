// The defences against reward hacking that the overoptimisation lab compares, each a spec in
// the lab's `defences` list and each run as a child run of the lab (pipeline/run/stage_run.h)
// against the same proxy reward-model ensemble, from the same SFT policy:
//   single                 RL on one member of the ensemble (the undefended baseline)
//   mean                   RL on the ensemble mean
//   wco                    RL on the ensemble minimum (worst-case optimisation)
//   uwo(lambda=0.5)        RL on mean - lambda * variance (uncertainty-weighted); these three
//                          after Coste et al., "Reward Model Ensembles Help Mitigate
//                          Overoptimization", arXiv:2310.02743
//   par                    RL on sigmoid(r - r_ref) of the single model (Fu et al., "Reward
//                          Shaping to Mitigate Reward Hacking in RLHF", arXiv:2502.18770)
//   log_sigmoid            RL on log sigmoid(r - r_ref) of the single model (Wang et al.,
//                          "Transforming and Combining Rewards for Aligning Large Language
//                          Models", arXiv:2402.00742)
//   kl(beta=0.05)          RL on the single model with beta * KL subtracted from the reward,
//                          the classic RLHF penalty (Ziegler et al., arXiv:1909.08593)
//   constrained(threshold=auto, beta=0.1, lagrange_lr=0.05)
//                          stay as close to the SFT policy as the constraint "single model's
//                          reward >= t" allows: the reward is lambda (r - t) - beta KL with a
//                          learned multiplier lambda (Moskovitz et al., "Confronting Reward
//                          Model Overoptimization with Constrained RLHF", arXiv:2310.04373);
//                          t is the proxy point, the proxy reward where gold peaks, which the
//                          paper also finds with the gold reward; auto takes proxy_at_peak
//                          of this lab's single defence, which must run first
//   dpo(beta=0.1)          DPO on the preference pairs the proxy was trained on (no proxy)
//   rpo(beta=0.1, alpha=1) DPO plus alpha times the chosen response's NLL, the SFT term of
//                          "Provably Mitigating Overoptimization in RLHF" (arXiv:2405.16436)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rlab::pipeline {

struct DefencePlan {
  std::string name;                    // the spec's name; the child run is "defence-<name>"
  std::string description;             // the spec with every argument filled in
  std::string pipeline;                // "rl" or "dpo"
  std::vector<std::string> overrides;  // the defence's own settings of the child pipeline
  // The ensemble aggregation its proxy reward uses (best-of-N picks with it), or empty for
  // the DPO defences, which optimise the preferences directly.
  std::string proxy_aggregate;
  // A constrained defence with threshold=auto before its proxy point is known: plan it again
  // with the point once the single defence has run.
  bool needs_proxy_point = false;
};

// The plan of one defence spec against the proxy ensemble in `proxy_dir`; `proxy_point` fills
// in a constrained defence's threshold=auto.
DefencePlan PlanDefence(std::string_view spec, const std::string& proxy_dir,
                        std::optional<double> proxy_point = std::nullopt);

// The names `PlanDefence` accepts, for messages and help.
std::vector<std::string> DefenceNames();

// `text` as a double-quoted YAML scalar, for list overrides whose items contain commas.
std::string QuoteYaml(std::string_view text);

}  // namespace rlab::pipeline
