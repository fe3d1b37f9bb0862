// Tensor views of a vector environment's buffers, and Step / Reward on tensors. Kept apart
// from the environments so that their headers stay free of libtorch.
#pragma once

#include <torch/torch.h>

#include "rlab/envs/vector_env.h"

namespace rlab::envs {

// The buffers of the last Reset or Step as CPU tensors. Views share memory with the
// environment and change at its next Reset or Step; call Clone() to keep them.
struct StepTensors {
  torch::Tensor observations;       // [N, D] float32
  torch::Tensor next_observations;  // [N, D] float32
  torch::Tensor rewards;            // [N] float32
  torch::Tensor terminated;         // [N] bool
  torch::Tensor truncated;          // [N] bool
  torch::Tensor done;               // [N] bool
  torch::Tensor episode_returns;    // [N] float64, valid where done
  torch::Tensor episode_lengths;    // [N] int64, valid where done

  StepTensors Clone() const;
};

StepTensors ViewTensors(const StepBuffers& buffers);
inline StepTensors CopyTensors(const StepBuffers& buffers) { return ViewTensors(buffers).Clone(); }

// Steps with actions as a tensor on any device: int64 [N] (or float [N] whole numbers) for a
// discrete action space, float [N, A] or [N] (A = 1) for a box. Returns views.
StepTensors Step(VectorEnv& env, const torch::Tensor& actions);

// The true reward r(s, a, s') of B stored transitions: obs, next_obs [B, D]; actions [B, A]
// or [B]. Returns float32 [B] on the device of obs.
torch::Tensor Reward(const VectorEnv& env, const torch::Tensor& obs, const torch::Tensor& actions,
                     const torch::Tensor& next_obs);

}  // namespace rlab::envs
