// A Python callable r(obs, actions, next_obs) -> rewards as an rlab::reward::RewardFn, so that
// the engine's reward distances evaluate it like any reward: called with the GIL held (taken
// here, since the distances run with it released), its output checked for shape and
// finiteness with an error that names the function.
#pragma once

#include <string>

#include "bindings.h"
#include "rlab/reward/signal/reward_fn.h"

namespace rewardlab_python {

class PyRewardFn final : public rlab::reward::RewardFn {
 public:
  // Holds a reference to `fn`; create and destroy it with the GIL held.
  explicit PyRewardFn(py::object fn);
  ~PyRewardFn() override;

  // obs [B, D], actions [B, A], next_obs [B, D] float32 tensors -> float64 [B].
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override;
  std::string Describe() const override { return "reward function '" + name_ + "'"; }

 private:
  py::object fn_;
  std::string name_;
};

}  // namespace rewardlab_python
