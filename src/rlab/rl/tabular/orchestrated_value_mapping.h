// Orchestrated Value Mapping in a table: the reward is split into channels, each channel's
// action values are learned in a mapped space (identity, or a logarithm for a non-negative
// channel), and a linear orchestration of the unmapped channel values is the total action
// value that chooses actions. Fatemi and Tavakoli, "Orchestrated Value Mapping for
// Reinforcement Learning", ICLR 2022, arXiv:2203.07171.
#pragma once

#include <cstdint>
#include <vector>

namespace rlab::rl::tabular {

enum class ValueMapping { kIdentity, kLog };

// The logarithmic mapping f(x) = c ln(x + d) of a non-negative channel value x and its inverse
// f^-1(y) = exp(y / c) - d; d > 0 keeps f finite at x = 0 (the paper's d plays the role of
// gamma^k, the smallest value worth resolving).
struct LogMapping {
  double scale = 0.5;    // c
  double offset = 0.01;  // d
};

// f and f^-1 of `mapping` (identity: both the identity).
double MapValue(ValueMapping mapping, double value, const LogMapping& log = {});
double UnmapValue(ValueMapping mapping, double mapped, const LogMapping& log = {});

// One channel of the orchestration: its mapping and its weight lambda in
// Q(s, a) = sum_j lambda_j f_j^-1(Q~_j(s, a)). A logarithmic channel's rewards must be >= 0.
struct OrchestratedChannel {
  ValueMapping mapping = ValueMapping::kIdentity;
  double weight = 1.0;
};

// The polar split of a reward: r = r+ - r- with r+ = max(r, 0) and r- = max(-r, 0), the
// decomposition that lets a logarithmic mapping learn signed rewards (channels weighted +1, -1).
struct PolarReward {
  double positive = 0.0;
  double negative = 0.0;
};
PolarReward PolarSplit(double reward);

class OrchestratedQ {
 public:
  // Every channel starts at value 0 in the regular space.
  OrchestratedQ(int64_t num_states, int64_t num_actions, std::vector<OrchestratedChannel> channels,
                LogMapping log = {});

  // sum_j lambda_j f_j^-1(Q~_j(s, a)).
  double Q(int64_t s, int64_t a) const;
  // argmax_a Q(s, a), ties to the lowest action.
  int64_t Greedy(int64_t s) const;
  // Channel j's value f_j^-1(Q~_j(s, a)) in the regular space.
  double ChannelValue(int64_t j, int64_t s, int64_t a) const;

  // One update from the transition (s, a, r_1..r_J, s'): with a' = argmax_b Q(s', b),
  //   U_j = r_j + gamma f_j^-1(Q~_j(s', a'))                       (target, regular space)
  //   U^_j = f_j^-1(Q~_j(s, a)) + beta_reg (U_j - f_j^-1(Q~_j(s, a)))
  //   Q~_j(s, a) += beta_f (f_j(U^_j) - Q~_j(s, a))                  (mapped space)
  // A logarithmic channel's U^_j is clipped at 0, the edge of its domain.
  void Update(int64_t s, int64_t a, const double* channel_rewards, int64_t next, double gamma,
              double beta_reg, double beta_f);

  std::vector<double> QTable() const;  // [S, A] orchestrated values

 private:
  int64_t num_states_, num_actions_;
  std::vector<OrchestratedChannel> channels_;
  LogMapping log_;
  std::vector<double> mapped_;  // [J, S, A] Q~_j
};

// Plain Q-learning's update Q(s, a) += alpha (r + gamma max_b Q(s', b) - Q(s, a)) on a table
// [S, A].
void QLearningUpdate(std::vector<double>& q, int64_t num_actions, int64_t s, int64_t a,
                     double reward, int64_t next, double gamma, double alpha);

}  // namespace rlab::rl::tabular
