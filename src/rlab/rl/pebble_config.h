// PEBBLE's unsupervised pre-training settings (Lee, Smith, Abbeel, "PEBBLE: Feedback-Efficient
// Interactive Reinforcement Learning via Relabeling Experience and Unsupervised
// Pre-training", arXiv:2106.05091): the pbrl config's `pebble` section.
#pragma once

#include <cstdint>

namespace rlab::rl {

struct PebbleConfig {
  int64_t pretrain_steps = 10000;
  int64_t entropy_k = 5;
  int64_t entropy_relabel_every = 250;
  template <class V>
  void Fields(V& v) {
    v("pretrain_steps", pretrain_steps,
      "steps (random actions included) on the state-entropy reward before the first feedback");
    v("entropy_k", entropy_k, "k of the k-nearest-neighbour state entropy");
    v("entropy_relabel_every", entropy_relabel_every,
      "steps between state-entropy relabellings of the replay buffer while pre-training");
  }
  void Validate() const;
};

}  // namespace rlab::rl
