// The distance between two rewards on one environment, as `rlab distance` reports it:
// EPIC (Gleave et al., "Quantifying Differences in Reward Functions", arXiv:2006.13900) or
// STARC with the EPIC canonicalisation (Skalse et al., "STARC: A General Framework For
// Quantifying Differences Between Reward Functions", arXiv:2309.15257).
//
// Finite MDPs (GridWorld, RandomMdp) use the exact computation (epic.h, starc.h) and also
// report the normalised regret of optimising reward b measured under reward a (regret.h);
// environments from the registry use the sample-based estimate over random-policy rollouts
// (epic_sampled.h). On those, either reward may be a pbrl run directory, which stands for the
// reward that run learned.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rlab::eval {

struct RewardDistanceRequest {
  std::string env;       // GridWorld(...), RandomMdp(...) or a registered environment spec
  std::string reward_a;  // reward specs (reward_specs.h), or a pbrl run directory (sampled)
  std::string reward_b;
  std::string metric = "epic";  // epic or starc
  int64_t samples = 4096;       // sampled only: coverage transitions and expectation samples
  uint64_t seed = 0;            // of the samples
  std::optional<double> gamma;  // unset: the MDP's own discount (exact) or 0.99 (sampled)
  void Validate() const;
};

struct RewardDistance {
  bool exact = false;  // the finite-MDP computation (else the sample-based estimate)
  double gamma = 0.0;  // the discount used
  double distance = 0.0;
  std::optional<double> normalised_regret;  // exact only
  bool constant_a = false;  // sampled only: a reward constant up to shaping (counts as zero)
  bool constant_b = false;
};

RewardDistance ComputeRewardDistance(const RewardDistanceRequest& request);

}  // namespace rlab::eval
