// When and how a PbRL run asks for preferences: the pbrl config's `feedback` section (budget,
// schedule, selector, and the segments the trajectory store cuts).
#pragma once

#include <cstdint>
#include <string>

namespace rlab::rl {

struct PbrlFeedbackConfig {
  int64_t budget = 200;
  int64_t batch = 20;
  int64_t every = 10000;
  int64_t start = 2048;
  std::string schedule = "constant";
  std::string selector = "disagreement(pool=10)";
  int64_t segment_length = 50;
  int64_t store_episodes = 200;
  bool absorbing_padding = true;
  template <class V>
  void Fields(V& v) {
    v("budget", budget, "queries asked over the run (skipped ones count)");
    v("batch", batch, "base queries per round, scaled by the schedule");
    v("every", every, "environment steps between feedback rounds");
    v("start", start, "step of the first round (pebble: pebble.pretrain_steps)");
    v("schedule", schedule, "query schedule: constant, linear or hyperbolic");
    v("selector", selector, "query selector: uniform, disagreement(pool=K), entropy(pool=K)");
    v("segment_length", segment_length, "steps per segment (H)");
    v("store_episodes", store_episodes, "finished episodes kept to cut segments from");
    v("absorbing_padding", absorbing_padding,
      "extend terminated episodes by H-1 absorbing steps (reward 0), so segments show endings");
  }
  void Validate() const;
};

}  // namespace rlab::rl
