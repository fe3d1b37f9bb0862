// algo bon of `rlab rl`: best-of-N sampling, the optimiser without training (Nakano et al.,
// WebGPT, arXiv:2112.09332; Gao et al., arXiv:2210.10760). For each held-out prompt the policy
// samples N = group_size completions at the run's temperature, the reward source scores them,
// and the highest-scoring one is the answer. The figures are exact expectations over the
// samples drawn (eval/best_of_n.h), so they do not depend on which N of them came first: the
// task's gold metric of a single sample (<metric>_start) and of the best of N (<metric>),
// the reward of each, and KL(best-of-N || pi) = log N - (N - 1) / N. On a prompt file, which
// has no gold reward, only the reward and the KL.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rlab/text/text_task.h"
#include "rlab/models/generation/generate.h"
#include "rlab/text/tokenizer/tokenizer.h"
#include "rlab/models/transformer/transformer.h"
#include "rlab/reward/signal/text_reward_source.h"

namespace rlab::pipeline {

struct BestOfNRequest {
  const data::TextTask* task = nullptr;
  const reward::TextRewardSource* rewards = nullptr;
  std::vector<std::string> prompts;
  std::vector<std::optional<std::string>> answers;  // per prompt, for rule-based rewards
  int64_t n = 8;
  models::GenerationOptions generation;  // at the sampling temperature
  int64_t batch_size = 100;              // sequences generated at once
  uint64_t seed = 1;
};

// The summary figures described above.
nlohmann::json RunBestOfN(models::Transformer& policy, const models::Tokenizer& tokenizer,
                          const BestOfNRequest& request);

}  // namespace rlab::pipeline
