// regex(pattern=... | column=...): 1 if the completion contains a match of an ECMAScript regular
// expression (std::regex_search), else 0. The pattern is written in the spec, or read from a
// column of the prompt's record in a prompt file, so that each prompt carries its own accepted
// answers (a column "^(47|forty-seven)$" anchors a whole-completion match). Where the whole
// completion must match one fixed pattern, format(regex=...) says so in its name.
// Verifiable rewards of this kind: DeepSeek-R1 (Guo et al., arXiv:2501.12948).
#pragma once

#include "rlab/reward/signal/verifiable_rewards.h"

namespace rlab::reward {

// Adds `regex` to the verifiable rewards (RegisterVerifiableRewards calls it).
void RegisterRegexReward(VerifiableRewardRegistry& registry);

}  // namespace rlab::reward
