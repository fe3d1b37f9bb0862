// A vector environment that reports every step it takes: it forwards Reset and Step to the
// environment it wraps and, after each Step, hands an observer the observations the step
// acted on, the actions as executed (box actions clipped to the bounds, a discrete action as
// its index in a float) and the step's buffers. The preference-based RL pipeline uses it to
// fill its trajectory store from an agent that knows nothing of the store.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "rlab/core/time_split.h"
#include "rlab/envs/vector_env.h"

namespace rlab::envs {

class ObservedEnv final : public VectorEnv {
 public:
  // obs [N, D] acted on, actions [N, A] executed, the step's buffers.
  using Observer = std::function<void(std::span<const float> obs, std::span<const float> actions,
                                      const StepBuffers& step)>;
  ObservedEnv(std::shared_ptr<VectorEnv> inner, Observer observer);

  const VectorEnv& inner() const { return *inner_; }
  // Where the wrapped environment's steps ("env_steps") and the observer ("observer") add
  // their wall time; null (the default) measures nothing.
  void set_timing(TimeSplit* timing) { timing_ = timing; }

 protected:
  void DoReset(bool reseed, uint64_t seed) override;
  void DoStep(const int64_t* discrete, const float* box) override;
  void DoReward(const float* obs, const float* actions, const float* next_obs, float* rewards,
                int64_t count) const override;

 private:
  std::shared_ptr<VectorEnv> inner_;
  Observer observer_;
  TimeSplit* timing_ = nullptr;
  std::vector<float> obs_, actions_;  // [N, D], [N, A]
};

}  // namespace rlab::envs
