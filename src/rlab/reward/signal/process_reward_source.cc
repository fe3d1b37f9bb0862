#include "rlab/reward/signal/process_reward_source.h"

#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"

namespace rlab::reward {

ProcessRewardRegistry& ProcessRewardSources() {
  static ProcessRewardRegistry registry("process reward source");
  return registry;
}

void RegisterProcessRewardSources() {
  ProcessRewardRegistry& r = ProcessRewardSources();
  if (!RegisterOnce(r)) return;
  // One line per entry (reward/signal/process_rewards/).
  r.Register(PrmProcessRewardEntry());
  r.Register(ImplicitProcessReward());
  r.Register(PrimeProcessReward());
  r.Register(OprlProcessReward());
  r.Register(GoldProcessReward());
  r.Register(GameableProcessReward());
}

std::unique_ptr<ProcessRewardSource> MakeProcessRewardSource(std::string_view spec,
                                                             const ProcessRewardContext& context) {
  RegisterProcessRewardSources();
  return ProcessRewardSources().Create(spec, context);
}

std::vector<int64_t> StepEndTokens(const models::Tokenizer& tokenizer,
                                   const std::vector<int64_t>& completion_ids,
                                   const std::vector<std::size_t>& step_end_chars) {
  std::vector<int64_t> ends;
  std::string decoded;
  std::size_t next = 0;  // the step whose end is looked for
  for (std::size_t t = 0; t < completion_ids.size() && next < step_end_chars.size(); ++t) {
    decoded += tokenizer.DecodeOne(completion_ids[t]);
    // A token may end several (empty or tiny) steps at once: each ends on it.
    while (next < step_end_chars.size() && decoded.size() >= step_end_chars[next]) {
      ends.push_back(static_cast<int64_t>(t));
      ++next;
    }
  }
  return ends;
}

ProcessRewards PlaceStepRewards(const ProcessRewardBatch& batch, const models::Tokenizer& tokenizer,
                                const data::StepTruth& steps,
                                const std::vector<std::vector<double>>& step_rewards) {
  const int64_t n = batch.out.tokens.size(0), width = batch.out.tokens.size(1);
  RLAB_CHECK(static_cast<int64_t>(step_rewards.size()) == n &&
                 static_cast<int64_t>(batch.completions.size()) == n,
             "process rewards: {} completions, {} rows of step rewards, {} generated rows",
             batch.completions.size(), step_rewards.size(), n);
  ProcessRewards placed{torch::zeros({n, width}, torch::kFloat32),
                        torch::zeros({n, width}, torch::kBool)};
  auto rewards = placed.rewards.accessor<float, 2>();
  auto positions = placed.positions.accessor<bool, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<std::size_t> ends = steps.StepEnds(batch.completions[i]);
    RLAB_CHECK(ends.size() == step_rewards[i].size(),
               "process rewards: completion {} has {} steps but {} step rewards", i, ends.size(),
               step_rewards[i].size());
    const std::vector<int64_t> tokens = StepEndTokens(tokenizer, batch.out.Completion(i), ends);
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      // Steps that end on one token share it: their rewards add up there.
      rewards[i][tokens[k]] += static_cast<float>(step_rewards[i][k]);
      positions[i][tokens[k]] = true;
    }
  }
  return placed;
}

}  // namespace rlab::reward
