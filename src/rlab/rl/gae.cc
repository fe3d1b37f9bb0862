#include "rlab/rl/gae.h"

#include "rlab/core/check.h"

namespace rlab::rl {

void ComputeGae(std::span<const float> rewards, std::span<const float> values,
                std::span<const uint8_t> dones, std::span<const float> last_values, int64_t steps,
                int64_t envs, double gamma, double lambda, std::span<float> advantages,
                std::span<float> returns) {
  const size_t n = static_cast<size_t>(steps * envs);
  RLAB_CHECK(rewards.size() == n && values.size() == n && dones.size() == n &&
                 advantages.size() == n && returns.size() == n &&
                 last_values.size() == static_cast<size_t>(envs),
             "ComputeGae: buffers must be [T={}, N={}]", steps, envs);
  for (int64_t e = 0; e < envs; ++e) {
    double next_advantage = 0.0;
    double next_value = last_values[e];
    for (int64_t t = steps - 1; t >= 0; --t) {
      const size_t i = static_cast<size_t>(t * envs + e);
      const double carry = dones[i] ? 0.0 : 1.0;
      const double delta = rewards[i] + gamma * next_value * carry - values[i];
      next_advantage = delta + gamma * lambda * carry * next_advantage;
      advantages[i] = static_cast<float>(next_advantage);
      returns[i] = static_cast<float>(next_advantage + values[i]);
      next_value = values[i];
    }
  }
}

}  // namespace rlab::rl
