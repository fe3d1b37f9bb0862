// Generalised advantage estimation (Schulman et al., "High-Dimensional Continuous Control
// Using Generalized Advantage Estimation", arXiv:1506.02438) over a rollout of T steps of N
// environments stored time-major.
#pragma once

#include <cstdint>
#include <span>

namespace rlab::rl {

// rewards, values [T, N]; dones [T, N] (1 when the episode ended with that step: no value is
// carried across it); last_values [N] = V(observation after the last step).
// Writes advantages [T, N] and returns = advantages + values [T, N].
void ComputeGae(std::span<const float> rewards, std::span<const float> values,
                std::span<const uint8_t> dones, std::span<const float> last_values, int64_t steps,
                int64_t envs, double gamma, double lambda, std::span<float> advantages,
                std::span<float> returns);

}  // namespace rlab::rl
