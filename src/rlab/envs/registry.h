// The environment registry: `Make("CartPole-v1(max_episode_steps=200)", n, seed)` builds a
// vector of n environments from a spec. Names follow Gymnasium's ids.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/envs/vector_env.h"

namespace rlab::envs {

// Factories receive (num_envs, seed) besides the spec's keys.
using EnvRegistry = Registry<VectorEnv, int64_t, uint64_t>;
EnvRegistry& Envs();

// Registers the classic-control environments (safe to call more than once).
void RegisterBuiltins();

// n environments of the spec's kind; environment i is seeded from seed + i.
std::unique_ptr<VectorEnv> Make(std::string_view spec, int64_t num_envs, uint64_t seed);

}  // namespace rlab::envs
