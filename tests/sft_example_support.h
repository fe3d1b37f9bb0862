// Token sequences for tests of language-model trainers and objectives: a prompt the loss skips
// and a completion it trains on, in the SFT layout (text/sft_dataset.h).
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/text/sft_dataset.h"

namespace rlab::testing {

inline data::SftExample PromptCompletion(const std::vector<int64_t>& prompt,
                                         const std::vector<int64_t>& completion) {
  data::SftExample e;
  for (int64_t t : prompt) {
    e.ids.push_back(t);
    e.trained.push_back(0);
  }
  for (int64_t t : completion) {
    e.ids.push_back(t);
    e.trained.push_back(1);
  }
  return e;
}

}  // namespace rlab::testing
