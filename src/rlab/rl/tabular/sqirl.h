// SQIRL, Shallow Q-Iteration via Reinforcement Imitation Learning, on a tabular episodic MDP.
//
// Laidlaw, Zhu, Russell and Dragan, "The Effective Horizon Explains Deep RL Performance in
// Stochastic Environments", arXiv 2312.08369, section 3 (Algorithm 1). For each step i = 0 ..
// T - 1 in turn: collect `episodes_per_step` episodes that follow the policy learned so far for
// steps < i and act uniformly at random from step i on; regress Q^1 on the observed returns to
// go at steps i .. i + k - 1 (the random policy's Q); run k - 1 steps of fitted Q iteration on
// the same episodes (Q^{j+1}_t(s, a) regressed on r + max_a' Q^j_{t+1}(s', a')); and imitate
// the greedy policy on Q^k_i at step i. Tabular regression is the mean per (t, s, a) and
// imitation copies argmax_a Q^k_i(s, a) for every state seen at step i (actions never tried
// there are left out); a state never seen at step i keeps acting uniformly at random.
#pragma once

#include <cstdint>
#include <random>

#include "rlab/rl/tabular/effective_horizon_mdp.h"

namespace rlab::rl::tabular {

struct SqirlOptions {
  int64_t k = 1;                   // depth of fitted Q iteration (1: greedy on Q^{pi_rand})
  int64_t episodes_per_step = 16;  // m: episodes collected for each step i
};

struct SqirlResult {
  StepTable policy;       // [T, S, A]: one-hot where learned, uniform where no data
  int64_t env_steps = 0;  // transitions sampled in all
  int64_t episodes = 0;
};

SqirlResult RunSqirl(const EpisodicMdp& mdp, const SqirlOptions& options, std::mt19937_64& rng);

}  // namespace rlab::rl::tabular
