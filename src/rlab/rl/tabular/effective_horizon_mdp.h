// A finite MDP played for a fixed number of steps, in plain vectors: the setting of the
// effective horizon, SQIRL and the tabular PPO here (Laidlaw, Zhu, Russell and Dragan, "The
// Effective Horizon Explains Deep RL Performance in Stochastic Environments", arXiv 2312.08369,
// section 2). The return is the undiscounted sum of the rewards of `horizon` steps; values and
// policies are indexed by the step t in [0, horizon). A state that every action keeps with
// reward 0 (a grid world's goal) is absorbing: an episode ends when it enters one, since
// nothing more can happen there.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::rl::tabular {

struct EpisodicMdp {
  int64_t num_states = 0;
  int64_t num_actions = 0;
  int64_t horizon = 0;
  std::vector<double> transitions;       // [S, A, S'] P(s' | s, a)
  std::vector<double> rewards;           // [S, A, S'] R(s, a, s')
  std::vector<double> expected_rewards;  // [S, A] sum_s' P R
  std::vector<double> initial;           // [S]
  std::vector<bool> absorbing;           // [S]

  double P(int64_t s, int64_t a, int64_t next) const {
    return transitions[(s * num_actions + a) * num_states + next];
  }
  double R(int64_t s, int64_t a, int64_t next) const {
    return rewards[(s * num_actions + a) * num_states + next];
  }
  double r(int64_t s, int64_t a) const { return expected_rewards[s * num_actions + a]; }
  // Index of (t, s, a) in the [T, S, A] tables below.
  int64_t Index(int64_t t, int64_t s, int64_t a) const {
    return (t * num_states + s) * num_actions + a;
  }
};

// The dynamics, rewards and initial distribution of `mdp` (its discount is not used) played for
// `horizon` steps.
EpisodicMdp MakeEpisodicMdp(const envs::tabular::FiniteMdp& mdp, int64_t horizon);

// Tables over steps, states and actions: Q [T, S, A], a policy [T, S, A] (rows are
// distributions), values [T + 1, S] (the last row 0).
using StepTable = std::vector<double>;

// Q^pi of a policy [T, S, A], exactly by backward induction.
StepTable PolicyQ(const EpisodicMdp& mdp, const StepTable& policy);
// Q* [T, S, A].
StepTable OptimalQ(const EpisodicMdp& mdp);
// The uniform policy [T, S, A].
StepTable UniformStepPolicy(const EpisodicMdp& mdp);
// sum_s mu0(s) sum_a pi_0(a | s) Q^pi_0(s, a): the expected return of a policy [T, S, A].
double EpisodeReturn(const EpisodicMdp& mdp, const StepTable& policy);
// The expected return of the optimal policy.
double OptimalReturn(const EpisodicMdp& mdp);

// One step of an episode.
struct EpisodeStep {
  int64_t t = 0;
  int64_t state = 0;
  int64_t action = 0;
  double reward = 0.0;
  int64_t next_state = 0;
};
using Episode = std::vector<EpisodeStep>;

// Uniform in [0, 1) from 53 bits of the generator, the same on every platform.
double Uniform01(std::mt19937_64& rng);
// A draw from the distribution `probs` (non-negative, summing to 1).
int64_t SampleIndex(const double* probs, int64_t size, std::mt19937_64& rng);

// Chooses the action at step t in state s.
using StepActor = std::function<int64_t(int64_t t, int64_t state, std::mt19937_64& rng)>;
// One episode sampled from P: horizon steps, or fewer when it enters an absorbing state.
Episode SampleEpisode(const EpisodicMdp& mdp, const StepActor& act, std::mt19937_64& rng);

}  // namespace rlab::rl::tabular
